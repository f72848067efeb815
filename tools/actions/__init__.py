"""Acting on findings outside peerbench: a read-only share link for the customer, an email draft
(.eml) and calendar invitations (.ics). peerbench never sends mail or invitations itself: it makes
the files (and the link) the CSM sends."""
