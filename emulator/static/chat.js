// Chat page of the LINE emulator: act as a person, show what the bot sent.
// Plain JS, no build step. Talks only to the emulator's /emulator/api.
'use strict';

const $ = (selector) => document.querySelector(selector);
const POLL_MS = 500;
const page = { users: [], groups: [], lastId: 0, chat: null, lastItem: null, richMenuId: null, polling: false };

// ---------- helpers ----------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

async function api(path, options = {}) {
  const response = await fetch('/emulator/api' + path, {
    headers: { 'Content-Type': 'application/json' }, ...options,
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok && response.status !== 502) throw new Error(body.error || body.message || response.status);
  return body;
}

function showStatus(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

const currentUser = () => page.users.find((u) => u.userId === $('#user-select').value);
const currentGroup = () => $('#chat-select').value || null;
const currentChat = () => currentGroup() || $('#user-select').value;

// ---------- people, groups, chat selection ----------
async function loadUsers(selectId) {
  page.users = await api('/users');
  const select = $('#user-select');
  const keep = selectId || select.value || new URLSearchParams(location.search).get('user');
  select.replaceChildren(...page.users.map((u) =>
    el('option', { value: u.userId, lang: u.language, text: `${u.displayName} (${u.language})` })));
  if (keep && page.users.some((u) => u.userId === keep)) select.value = keep;
  $('#language-select').value = currentUser()?.language || 'en';
}

async function loadGroups(selectId) {
  page.groups = await api('/groups');
  const select = $('#chat-select');
  const keep = selectId ?? (select.value || new URLSearchParams(location.search).get('group') || '');
  select.replaceChildren(el('option', { value: '', text: '1:1 chat with the bot' }),
    ...page.groups.map((g) => el('option', { value: g.groupId, text: `Group: ${g.groupName}` })));
  select.value = page.groups.some((g) => g.groupId === keep) ? keep : '';
}

function switchChat() {
  page.chat = currentChat();
  page.lastId = 0;
  page.lastItem = null;
  page.richMenuId = null;
  $('#messages').replaceChildren();
  $('#quick-replies').replaceChildren();
  $('#rich-menu').hidden = true;
  const user = currentUser();
  $('#messages').setAttribute('lang', user?.language || 'en');
  const group = page.groups.find((g) => g.groupId === currentGroup());
  $('#chat-title').textContent = group
    ? `${group.groupName} — as ${user?.displayName}` : `${user?.displayName || ''} ↔ bot`;
  poll();
}

// ---------- acting as the person ----------
async function send(spec) {
  const user = currentUser();
  if (!user) return showStatus('Pick a person first', true);
  const body = { userId: user.userId, ...spec };
  if (currentGroup() && !['follow', 'unfollow'].includes(spec.type)) body.groupId = currentGroup();
  try {
    const result = await api('/send', { method: 'POST', body: JSON.stringify(body) });
    if (result.error) showStatus(result.error, true);
    else showStatus(`${spec.type} sent · webhook answered ${result.status}`, result.status >= 300);
  } catch (error) {
    showStatus(String(error.message || error), true);
  }
  poll();
}

function performAction(action) {
  if (!action) return;
  switch (action.type) {
    case 'message':
      return send({ type: 'text', text: action.text });
    case 'postback':
      if (action.inputOption === 'openKeyboard') {
        $('#message-input').value = action.fillInText || '';
        $('#message-input').focus();
      }
      if (action.inputOption === 'openRichMenu') $('#rich-menu').classList.remove('collapsed');
      return send({ type: 'postback', data: action.data, displayText: action.displayText || action.text });
    case 'datetimepicker':
      return openPicker(action);
    case 'camera':
    case 'cameraRoll':
      return $('#send-image').click();
    case 'location':
      return togglePanel('#location-form', true);
    case 'clipboard':
      navigator.clipboard?.writeText(action.clipboardText).catch(() => {});
      return showStatus('Copied: ' + action.clipboardText);
    case 'richmenuswitch':
      return send({ type: 'postback', data: action.data,
        params: { newRichMenuAliasId: action.richMenuAliasId, status: 'SUCCESS' } });
    default:
      return undefined;
  }
}

// Button for an action; uri actions are real links (so tel: numbers are tappable).
function actionButton(action, testid = 'action-button', cls = 'action') {
  const label = action?.label || action?.text || action?.uri || action?.type || '?';
  if (action?.type === 'uri') {
    const external = !action.uri.startsWith('tel:');
    return el('a', { class: cls, 'data-testid': testid, href: action.uri,
      target: external ? '_blank' : null, rel: external ? 'noopener' : null, text: label });
  }
  return el('button', { type: 'button', class: cls, 'data-testid': testid, text: label,
    'data-action-type': action?.type, 'data-postback': action?.data ?? null,
    onclick: () => performAction(action) });
}

function openPicker(action) {
  const input = $('#picker-input');
  input.type = { date: 'date', time: 'time', datetime: 'datetime-local' }[action.mode] || 'text';
  input.value = action.initial || '';
  input.min = action.min || '';
  input.max = action.max || '';
  $('#picker-label').textContent = action.label || 'Pick';
  $('#picker').hidden = false;
  $('#picker-ok').onclick = () => {
    if (!input.value) return;
    $('#picker').hidden = true;
    send({ type: 'postback', data: action.data, params: { [action.mode]: input.value } });
  };
}

function togglePanel(selector, forceOpen) {
  for (const id of ['#location-form', '#sticker-panel', '#picker']) {
    if (id !== selector) $(id).hidden = true;
  }
  $(selector).hidden = forceOpen ? false : !$(selector).hidden;
}

// ---------- rendering bot messages ----------
const SIZES = { xxs: '11px', xs: '13px', sm: '14px', md: '16px', lg: '19px', xl: '22px', xxl: '29px',
  '3xl': '35px', '4xl': '48px', '5xl': '74px' };
const SPACES = { none: '0', xs: '2px', sm: '4px', md: '8px', lg: '12px', xl: '16px', xxl: '20px' };
const space = (value) => SPACES[value] || value;

function card(children, cls = '') {
  return el('div', { class: 'card ' + cls }, children);
}

function renderTemplate(template) {
  const column = (c) => card([
    c.thumbnailImageUrl ? el('img', { class: 'thumb', src: c.thumbnailImageUrl, alt: '' }) : null,
    c.title ? el('div', { class: 'card-title', text: c.title }) : null,
    el('div', { class: 'card-text', text: c.text }),
    el('div', { class: 'card-actions' }, (c.actions || []).map((a) => actionButton(a))),
  ]);
  switch (template.type) {
    case 'buttons': return column(template);
    case 'confirm':
      return card([el('div', { class: 'card-text', text: template.text }),
        el('div', { class: 'card-actions row' }, template.actions.map((a) => actionButton(a)))]);
    case 'carousel': return el('div', { class: 'carousel' }, template.columns.map(column));
    case 'image_carousel':
      return el('div', { class: 'carousel' }, template.columns.map((c) => card([
        el('img', { class: 'thumb', src: c.imageUrl, alt: '' }), actionButton(c.action)])));
    default: return el('div', { text: `[template ${template.type}]` });
  }
}

function renderFlexComponent(c, parentLayout) {
  let node;
  switch (c.type) {
    case 'box': {
      const horizontal = c.layout === 'horizontal' || c.layout === 'baseline';
      node = el('div', { class: `fx-box fx-${c.layout}`, style: {
        gap: space(c.spacing) || null, backgroundColor: c.backgroundColor || null,
        borderRadius: space(c.cornerRadius) || null, padding: space(c.paddingAll) || null,
        borderColor: c.borderColor || null, borderWidth: c.borderWidth ? '1px' : null,
        borderStyle: c.borderWidth ? 'solid' : null,
        justifyContent: c.justifyContent || null, alignItems: c.alignItems || null,
      } }, (c.contents || []).map((child) => renderFlexComponent(child, c.layout)));
      if (horizontal) node.style.flexDirection = 'row';
      break;
    }
    case 'text':
      node = el('div', { class: 'fx-text', style: {
        fontSize: SIZES[c.size] || c.size || null, fontWeight: c.weight === 'bold' ? 'bold' : null,
        color: c.color || null, textAlign: { start: 'left', end: 'right', center: 'center' }[c.align] || null,
        whiteSpace: c.wrap ? 'pre-wrap' : 'nowrap', fontStyle: c.style === 'italic' ? 'italic' : null,
        textDecoration: c.decoration && c.decoration !== 'none' ? c.decoration : null,
      } }, c.contents?.length
        ? c.contents.map((s) => el('span', { text: s.text, style: { color: s.color || null,
          fontWeight: s.weight === 'bold' ? 'bold' : null, fontSize: SIZES[s.size] || null } }))
        : c.text);
      break;
    case 'button':
      node = actionButton(c.action, 'action-button', `action fx-button fx-${c.style || 'link'}`);
      if (c.color) node.style[c.style === 'link' || !c.style ? 'color' : 'backgroundColor'] = c.color;
      return withFlex(node, c, parentLayout);
    case 'image':
      node = el('img', { class: `fx-image fx-size-${c.size || 'md'}`, src: c.url, alt: '' });
      break;
    case 'icon':
      node = el('img', { class: 'fx-icon', src: c.url, alt: '' });
      break;
    case 'separator':
      node = el('hr', { class: 'fx-separator', style: { borderColor: c.color || null } });
      break;
    case 'filler':
      node = el('div', { style: { flex: String(c.flex ?? 1) } });
      break;
    case 'spacer':
      node = el('div', { style: { minHeight: space(c.size || 'md'), minWidth: space(c.size || 'md') } });
      break;
    case 'video':
      node = c.altContent ? renderFlexComponent(c.altContent, parentLayout) : el('div', { text: '[video]' });
      break;
    default:
      node = el('div', { text: `[${c.type}]` });
  }
  if (c.action && c.type !== 'button') {
    node.classList.add('fx-tappable');
    node.setAttribute('data-testid', 'action-button');
    node.addEventListener('click', () => (c.action.type === 'uri' ? window.open(c.action.uri, '_blank')
      : performAction(c.action)));
  }
  return withFlex(node, c, parentLayout);
}

function withFlex(node, c, parentLayout) {
  const horizontal = parentLayout === 'horizontal' || parentLayout === 'baseline';
  if (c.flex !== undefined) node.style.flex = `${c.flex} 1 0`;
  else if (horizontal) node.style.flex = '1 1 0';
  if (c.margin) node.style[horizontal ? 'marginLeft' : 'marginTop'] = space(c.margin);
  return node;
}

function renderBubble(bubble) {
  const section = (name) => bubble[name]
    ? el('div', { class: `fx-section fx-${name}`, style: {
      backgroundColor: bubble.styles?.[name]?.backgroundColor || null } },
    renderFlexComponent(bubble[name], 'vertical'))
    : null;
  return el('div', { class: `fx-bubble fx-bubble-${bubble.size || 'mega'}`, dir: bubble.direction || null },
    ['header', 'hero', 'body', 'footer'].map(section));
}

function renderFlex(contents) {
  if (contents.type === 'carousel') return el('div', { class: 'carousel' }, contents.contents.map(renderBubble));
  return renderBubble(contents);
}

function renderTextV2(message) {
  const subs = message.substitution || {};
  return message.text.replace(/\{([a-zA-Z0-9_]+)\}/g, (all, key) => {
    const sub = subs[key];
    if (!sub) return all;
    if (sub.type === 'mention') return sub.mentionee?.type === 'all' ? '@All' : '@' + (sub.mentionee?.userId || 'user');
    return '(emoji)';
  });
}

function renderBotMessage(message) {
  switch (message.type) {
    case 'text': return el('div', { class: 'text', text: message.text });
    case 'textV2': return el('div', { class: 'text', text: renderTextV2(message) });
    case 'image': return el('img', { class: 'photo', src: message.previewImageUrl, alt: 'image' });
    case 'video': return el('a', { href: message.originalContentUrl, target: '_blank', rel: 'noopener' },
      el('img', { class: 'photo', src: message.previewImageUrl, alt: '▶ video' }));
    case 'audio': return el('a', { href: message.originalContentUrl, target: '_blank', rel: 'noopener', text: '♪ audio' });
    case 'sticker': return el('div', { class: 'sticker', text: `[Sticker ${message.packageId}/${message.stickerId}]` });
    case 'location': return card([el('div', { class: 'card-title', text: 'Location: ' + (message.title || '') }),
      el('div', { class: 'card-text', text: message.address }),
      el('div', { class: 'muted', text: `${message.latitude}, ${message.longitude}` })]);
    case 'template': return renderTemplate(message.template);
    case 'flex': return renderFlex(message.contents);
    case 'imagemap': return card([el('div', { class: 'card-text', text: message.altText }),
      el('div', { class: 'card-actions' }, (message.actions || []).map((a) => actionButton({
        type: a.type === 'uri' ? 'uri' : a.type, uri: a.linkUri, text: a.text, data: a.data,
        label: a.label || a.text || a.linkUri }))) ]);
    default: return el('div', { text: `[${message.type}]` });
  }
}

// ---------- rendering the transcript ----------
function userContent(item) {
  const event = item.event;
  const message = event.message || {};
  switch (item.kind) {
    case 'text': return el('div', { class: 'text', text: message.text });
    case 'image': return el('img', { class: 'photo', src: item.contentUrl, alt: 'image' });
    case 'sticker': return el('div', { class: 'sticker', text: `[Sticker ${message.packageId}/${message.stickerId}]` });
    case 'location': return card([el('div', { class: 'card-title', text: 'Location: ' + (message.title || '') }),
      el('div', { class: 'card-text', text: message.address || '' }),
      el('div', { class: 'muted', text: `${message.latitude}, ${message.longitude}` })]);
    case 'postback': return item.displayText ? el('div', { class: 'text', text: item.displayText }) : null;
    default: return null;
  }
}

const NOTICES = { follow: 'added the bot as a friend', unfollow: 'blocked the bot',
  join: 'invited the bot to this group', leave: 'removed the bot from this group' };

function renderItem(item) {
  if (item.side === 'system') return el('div', { class: 'notice error', 'data-testid': 'system-message', text: item.text });
  if (item.side === 'bot') {
    const message = item.message;
    return el('div', { class: 'msg bot', 'data-testid': 'bot-message', 'data-message-type': message.type,
      'data-message-id': item.messageId, title: message.altText || null },
    message.sender?.name ? el('div', { class: 'sender', text: message.sender.name }) : null,
    el('div', { class: 'bubble' }, renderBotMessage(message)));
  }
  if (NOTICES[item.kind]) return el('div', { class: 'notice', 'data-testid': 'user-notice', text: `${item.displayName} ${NOTICES[item.kind]}` });
  const content = userContent(item);
  if (!content) {
    return el('div', { class: 'notice', 'data-testid': 'user-notice',
      text: `${item.displayName} tapped postback: ${item.event.postback.data}` });
  }
  const inGroup = item.event.source.type === 'group';
  return el('div', { class: 'msg user', 'data-testid': 'user-message', 'data-message-type': item.kind },
    inGroup ? el('div', { class: 'sender', text: item.displayName }) : null,
    el('div', { class: 'bubble' }, content));
}

function renderQuickReplies() {
  const box = $('#quick-replies');
  const item = page.lastItem;
  const items = item?.side === 'bot' ? item.message.quickReply?.items || [] : [];
  box.replaceChildren(...items.map((qr) => {
    const button = actionButton(qr.action, 'quick-reply', 'quick-reply');
    button.addEventListener('click', () => box.replaceChildren());
    return button;
  }));
}

function renderRichMenu(menu) {
  const wrap = $('#rich-menu');
  if (!menu) { wrap.hidden = true; page.richMenuId = null; return; }
  wrap.hidden = false;
  if (menu.richMenuId === page.richMenuId) return;
  page.richMenuId = menu.richMenuId;
  $('#rich-menu-image').src = menu.imageUrl;
  $('#rich-menu-toggle').textContent = (menu.chatBarText || 'Menu') + ' ▾';
  wrap.classList.toggle('collapsed', !menu.selected);
  const { width, height } = menu.size;
  // Keep the menu's aspect ratio but never taller than a quarter of the window.
  Object.assign($('#rich-menu-body').style, { aspectRatio: `${width} / ${height}`,
    width: `min(100%, calc(25vh * ${width / height}))` });
  $('#rich-menu-areas').replaceChildren(...menu.areas.map((area) => {
    const b = area.bounds;
    const node = actionButton(area.action, 'rich-menu-area', 'rich-menu-area');
    Object.assign(node.style, { left: `${(100 * b.x) / width}%`, top: `${(100 * b.y) / height}%`,
      width: `${(100 * b.width) / width}%`, height: `${(100 * b.height) / height}%` });
    node.title = area.action.label || area.action.text || area.action.data || '';
    return node;
  }));
}

async function poll() {
  if (page.polling || !page.chat) return;
  page.polling = true;
  const chat = page.chat;
  try {
    const data = await api(`/chat/${chat}?since=${page.lastId}`);
    if (chat !== page.chat) return;
    const box = $('#messages');
    for (const item of data.items) {
      if (item.id <= page.lastId) continue;
      page.lastId = item.id;
      box.append(renderItem(item));
      if (item.side !== 'system') page.lastItem = item;
    }
    if (data.items.length) {
      renderQuickReplies();
      box.scrollTop = box.scrollHeight;
    }
    $('#loading-indicator').hidden = !data.loadingUntil;
    renderRichMenu(data.richMenu);
  } catch (error) {
    showStatus('Emulator unreachable: ' + error.message, true);
  } finally {
    page.polling = false;
  }
}

// Make a person or a group from its form (#new-user-*, #new-group-*): the id typed there or a new one;
// the form is then cleared and the chat switches to what was made.
async function create(kind, fields, load) {
  let made;
  try {
    made = await api(`/${kind}s`, { method: 'POST', body: JSON.stringify({
      [`${kind}Id`]: $(`#new-${kind}-id`).value.trim() || undefined, ...fields }) });
  } catch (error) {
    return showStatus(error.message, true);
  }
  $(`#new-${kind}-name`).value = '';
  $(`#new-${kind}-id`).value = '';
  await load(made[`${kind}Id`]);
  switchChat();
}

// ---------- wiring ----------
function wire() {
  $('#user-select').addEventListener('change', () => {
    $('#language-select').value = currentUser()?.language || 'en';
    switchChat();
  });
  $('#chat-select').addEventListener('change', switchChat);
  $('#language-select').addEventListener('change', async () => {
    const user = currentUser();
    await api('/users', { method: 'POST', body: JSON.stringify({ userId: user.userId, language: $('#language-select').value }) });
    await loadUsers(user.userId);
    $('#messages').setAttribute('lang', $('#language-select').value);
    showStatus(`${user.displayName}'s phone language is now ${$('#language-select').value}`);
  });
  $('#create-user').addEventListener('click', async () => {
    const name = $('#new-user-name').value.trim();
    if (!name) return showStatus('Type a display name', true);
    await create('user', { displayName: name, language: $('#new-user-language').value }, loadUsers);
  });
  $('#create-group').addEventListener('click', () =>
    create('group', { groupName: $('#new-group-name').value.trim() || 'New group' }, loadGroups));
  $('#add-friend').addEventListener('click', () => send({ type: 'follow' }));
  $('#block-bot').addEventListener('click', () => send({ type: 'unfollow' }));
  $('#invite-bot').addEventListener('click', () => (currentGroup() ? send({ type: 'join' })
    : showStatus('Pick or create a group chat first', true)));
  $('#remove-bot').addEventListener('click', () => (currentGroup() ? send({ type: 'leave' })
    : showStatus('Pick a group chat first', true)));

  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#message-input').value;
    if (!text.trim()) return;
    $('#message-input').value = '';
    $('#quick-replies').replaceChildren();
    send({ type: 'text', text });
  });
  $('#message-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('#composer').requestSubmit();
    }
  });

  $('#share-location').addEventListener('click', () => togglePanel('#location-form'));
  document.querySelectorAll('[data-testid=location-preset]').forEach((button) => button.addEventListener('click', () => {
    $('#location-title').value = button.dataset.title;
    $('#location-address').value = button.dataset.address;
    $('#location-lat').value = button.dataset.lat;
    $('#location-lon').value = button.dataset.lon;
  }));
  $('#location-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const latitude = parseFloat($('#location-lat').value);
    const longitude = parseFloat($('#location-lon').value);
    if (Number.isNaN(latitude) || Number.isNaN(longitude)) return showStatus('Latitude and longitude are numbers', true);
    $('#location-form').hidden = true;
    send({ type: 'location', title: $('#location-title').value, address: $('#location-address').value, latitude, longitude });
  });

  $('#send-sticker').addEventListener('click', () => togglePanel('#sticker-panel'));
  document.querySelectorAll('[data-testid=sticker-preset]').forEach((button) => button.addEventListener('click', () => {
    $('#sticker-panel').hidden = true;
    send({ type: 'sticker', packageId: button.dataset.package, stickerId: button.dataset.sticker });
  }));
  $('#sticker-submit').addEventListener('click', () => {
    $('#sticker-panel').hidden = true;
    send({ type: 'sticker', packageId: $('#sticker-package').value, stickerId: $('#sticker-id').value });
  });

  $('#send-image').addEventListener('change', () => {
    const file = $('#send-image').files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => send({ type: 'image', imageBase64: reader.result, contentType: file.type || 'image/jpeg' });
    reader.readAsDataURL(file);
    $('#send-image').value = '';
  });

  $('#picker-cancel').addEventListener('click', () => { $('#picker').hidden = true; });
  $('#rich-menu-toggle').addEventListener('click', () => $('#rich-menu').classList.toggle('collapsed'));
}

async function start() {
  wire();
  await loadUsers();
  await loadGroups();
  switchChat();
  setInterval(poll, POLL_MS);
}

start();
