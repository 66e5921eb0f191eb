"""Training in the browser: assigned courses, lessons, quizzes scored on the server, certificates.

`operations` changes data (flush, never commit); `queries` reads it for pages; `routes` are thin views.
"""
