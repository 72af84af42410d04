"""What offices print and open in Excel: PDFs (WeasyPrint), spreadsheets (openpyxl), and the download answer."""
