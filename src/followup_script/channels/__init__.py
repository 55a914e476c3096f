"""The channel API: Channel, Message, Receipt, DeliveryContext, RenderJob.

``followup_script.channels.email`` builds email messages (subject, headers, .eml).
"""

from followup_script.channels.base import Channel, DeliveryContext, Message, Receipt, RenderJob

__all__ = ["Channel", "DeliveryContext", "Message", "Receipt", "RenderJob"]
