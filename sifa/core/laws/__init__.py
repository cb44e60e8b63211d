"""法规库: The law library: laws, versions, headings and articles, imported from Markdown; search and citations."""
