"""The Textual app: HEAD an object, see the outcome and why.

Everything here imports ``ossbrowse.oss`` and ``ossbrowse.config``; nothing in the protocol core
imports this package. Build the app with :func:`ossbrowse.ui.app.make_app`.
"""
