"""The media library: pictures with their alt text, caption, credit and focal point, shared by
featured images and inline figures. An app of its own because authors, articles and (later)
reader submissions all draw on it."""
