"""LINE's limits on what the bot sends, each named for what it limits: one place for all of them.

A leaf module (no imports): the renderer, the officers' cards, the flow engine and the catalog
checks keep within the same numbers. Names in the comments are the schemas of LINE's Messaging
API OpenAPI document (messaging-api.yml). Counts are in the schema itself; the length limits of
texts are only in the reference each schema links to
(https://developers.line.biz/en/reference/messaging-api/). A number that is our own choice,
below LINE's, lives with the code that chooses it and says so.
"""
from __future__ import annotations

# ReplyMessageRequest.messages, PushMessageRequest.messages: maxItems 5.
MAX_MESSAGES_PER_REQUEST = 5

# QuickReply.items: maxItems 13.
MAX_QUICK_REPLY_ITEMS = 13

# Action.label of a quick-reply item and of a template's action (#action-objects): 20 characters.
# (A flex button allows 40; our cards keep to 20 so one translated label fits everywhere.)
MAX_ACTION_LABEL_CHARS = 20

# TextMessage.text (#text-message): 5,000 characters.
MAX_TEXT_CHARS = 5000

# FlexMessage.altText (#flex-message): 1,500 characters.
MAX_FLEX_ALT_TEXT_CHARS = 1500

# TemplateMessage.altText (#template-messages): 400 characters.
MAX_TEMPLATE_ALT_TEXT_CHARS = 400

# ButtonsTemplate.actions (#buttons): at most 4.
MAX_BUTTONS_TEMPLATE_ACTIONS = 4

# ButtonsTemplate.text (#buttons) without an image or a title: 160 characters (60 with either).
MAX_BUTTONS_TEMPLATE_TEXT_CHARS = 160

# LocationMessage.title and LocationMessage.address (#location-message): 100 characters each.
MAX_LOCATION_TITLE_CHARS = 100
MAX_LOCATION_ADDRESS_CHARS = 100

# RichMenuRequest.chatBarText (#rich-menu-object): 14 characters.
MAX_RICH_MENU_CHAT_BAR_TEXT_CHARS = 14

# A rich menu image (#upload-rich-menu-image): at most 1 MB.
MAX_RICH_MENU_IMAGE_BYTES = 1024 * 1024

# MulticastRequest.to: maxItems 500 (user ids per multicast call).
MAX_MULTICAST_RECIPIENTS = 500
