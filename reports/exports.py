"""Figures and lists as CSV files that are safe to open in a spreadsheet."""

import csv

from django.http import HttpResponse

from reports.suppression import IN_CSV, WITHHELD

# A spreadsheet runs a cell that starts with one of these as a formula (a
# tab or carriage return can hide one); a leading quote makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if value is None:
        return ""
    if value is WITHHELD:
        return IN_CSV
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The byte order mark makes Excel read the names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response
