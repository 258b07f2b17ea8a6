"""Deciding documents (văn bản quyết định): the document behind a change that a signed
conclusion or a decision does not allow on its own word (a recommendation's new deadline, its
withdrawal, the extension of on-site work), recorded with its number, date, signer and file."""
