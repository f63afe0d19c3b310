"""Phone masking for documents: the core's (``appeal_core.masking``), re-exported."""

from appeal_core.masking import mask_phone, mask_phones_in

__all__ = ["mask_phone", "mask_phones_in"]
