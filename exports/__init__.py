"""Scheduled indicator exports: workbooks, CSV and Parquet files from the published warehouse."""
