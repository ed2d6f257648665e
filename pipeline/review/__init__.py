"""``kehoach review``: a local web app to look at every row beside its page and correct it (:mod:`.app`)."""
