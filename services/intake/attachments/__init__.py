"""Attachment content: an upload kept only when it is exactly what the referral declared."""
