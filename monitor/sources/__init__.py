"""The sources a user follows: the built-in catalog, adding by address (a feed, or a
page whose feed is discovered), and OPML exchange with other readers."""
