"""Reports drafted from the published warehouse: the annual deputy-work section (年度报告代表工作部分),
the suggestion-handling report (代表建议办理情况报告) and the topics deputies raise most (代表反映集中的问题).
Reads only published data, like exports/."""
