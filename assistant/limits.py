"""The length limits of a question, in one place (a module with no imports, so the API's start-up can read them
before numpy or the models load).

The assistant answers from the first ``QUESTION_CHARS`` characters (and says so); the edges accept a question up to
``REQUEST_CHARS`` (the API refuses a longer one with 422; a stored feedback question is cut to it). The embedder's
own bound (``index.vectors.MAX_QUERY_CHARS``) is a cost limit one layer down.
"""

QUESTION_CHARS = 2000
REQUEST_CHARS = 4000
