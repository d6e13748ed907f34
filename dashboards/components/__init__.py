"""What the pages are drawn with: the page frame, filters, charts and tables. Components ask
the query layer and never import a page."""
