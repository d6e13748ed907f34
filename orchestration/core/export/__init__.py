"""Take-away evidence made from the published snapshot: a settlement pack for one place (what a
finance director signs) and the national workbook (what a Treasury analyst sorts), as Excel or as
a folder of CSVs. The command line and the dashboard both call this package, so a download and an
export are the same file."""
