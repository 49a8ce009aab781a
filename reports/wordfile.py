"""Word files the way Chinese official documents look (GB/T 9704 in spirit): A4, margins 37/35/28/26 mm,
title in 小标宋/宋 二号, headings in 黑体 三号, body in 仿宋 三号 with 28-point lines, page numbers
"— 1 —" at the foot; and PDF through LibreOffice.

Fonts: the first family of each list that this machine has (fc-list); on a machine without fontconfig the
first name is written (Windows and WPS have 仿宋_GB2312 / 黑体 / 方正小标宋简体). A reader's Word or WPS
substitutes its own font for a name it lacks, so the document stays readable everywhere.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC",
              "AR PL UMing CN", "Noto Sans CJK SC")
HEADING_FONTS = ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
TITLE_FONTS = ("方正小标宋简体", "华文中宋", "宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC",
               "Noto Sans CJK SC")


@cache
def installed_families() -> frozenset[str] | None:
    """Font families fontconfig knows (None: no fc-list here, e.g. Windows)."""
    if shutil.which("fc-list") is None:
        return None
    try:
        listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


def pick_font(candidates: tuple[str, ...]) -> str:
    families = installed_families()
    if families is None:
        return candidates[0]
    return next((name for name in candidates if name in families), candidates[0])


def fonts() -> dict[str, str]:
    return {"body": pick_font(BODY_FONTS), "heading": pick_font(HEADING_FONTS), "title": pick_font(TITLE_FONTS)}


def _set_font(run_or_style, family: str, size: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = family
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    r_pr = element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attribute), family)


def _page_number(paragraph) -> None:
    """— PAGE — centred in the footer."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")


class Document:
    """A small writer: title, subtitle, headings, body paragraphs (optionally with a bold lead), tables."""

    def __init__(self, title: str, landscape: bool = False):
        self.fonts = fonts()
        self.doc = new_document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        if landscape:
            section.top_margin = section.bottom_margin = Mm(25)
        normal = self.doc.styles["Normal"]
        _set_font(normal, self.fonts["body"], 16)
        language = OxmlElement("w:lang")  # Chinese (PRC) text: the SC forms of CJK fonts
        language.set(qn("w:val"), "zh-CN")
        language.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(language)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(28)
        normal.paragraph_format.space_after = Pt(0)
        self.doc.core_properties.title = title
        self.doc.core_properties.language = "zh-CN"
        footer = section.footer.paragraphs[0]
        _page_number(footer)
        for run in footer.runs:
            _set_font(run, self.fonts["body"], 14)
        head = self.doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.paragraph_format.line_spacing = Pt(36)
        _set_font(head.add_run(title), self.fonts["title"], 22)

    def subtitle(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(paragraph.add_run(text), self.fonts["body"], 14)
        self.doc.add_paragraph()

    def heading(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(style="Heading 1")
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(28)
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.space_after = Pt(6)
        run = paragraph.add_run(text)
        _set_font(run, self.fonts["heading"], 16, bold=False)
        run.font.color.rgb = None

    def paragraph(self, text: str, lead: str | None = None, small: bool = False) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        size = 12 if small else 16
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        if small:
            paragraph.paragraph_format.line_spacing = Pt(20)
        if lead:
            _set_font(paragraph.add_run(lead), self.fonts["heading"] if not small else self.fonts["body"], size)
        _set_font(paragraph.add_run(text), self.fonts["body"], size)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, columns: list[str], rows: list[dict], widths: list[float] | None = None, size: float = 9) -> None:
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, name in zip(table.rows[0].cells, columns):
            cell.text = ""
            _set_font(cell.paragraphs[0].add_run(name), self.fonts["heading"], size)
        for row in rows:
            cells = table.add_row().cells
            for cell, name in zip(cells, columns):
                cell.text = ""
                _set_font(cell.paragraphs[0].add_run(str(row.get(name, ""))), self.fonts["body"], size)
        for line in table.rows:
            for cell in line.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.line_spacing = Pt(size * 1.35)
                    paragraph.paragraph_format.first_line_indent = Pt(0)
        if widths:  # the grid (LibreOffice reads it) and every cell (Word reads these)
            table.autofit = False
            for column, width in zip(table.columns, widths):
                column.width = Cm(width)
            for line in table.rows:
                for cell, width in zip(line.cells, widths):
                    cell.width = Cm(width)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def to_pdf(docx: Path, timeout: int = 180) -> Path:
    """Convert with LibreOffice (`soffice --headless --convert-to pdf`) into the docx's folder, using a
    private LibreOffice profile so parallel conversions do not fight over one lock."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("找不到 LibreOffice（soffice），无法生成 PDF；请安装 LibreOffice 或去掉 --pdf")
    docx = Path(docx).resolve()
    with tempfile.TemporaryDirectory(prefix="lvzhi-soffice-") as profile:
        result = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(docx.parent), str(docx)],
            capture_output=True, text=True, timeout=timeout, env={**os.environ, "HOME": profile})
    pdf = docx.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"LibreOffice 未能生成 PDF：{(result.stderr or result.stdout).strip()[:300]}")
    return pdf
