"""peerbench's typed tools, one folder per feature (see README "How it is built").

``base`` holds the Tool record; ``registry`` lists every tool. tools/ is the only
package that touches the workspace database (``store``).
"""
