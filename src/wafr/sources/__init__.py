"""Sources: each turns something (a live account, a snapshot, templates) into an Estate."""
