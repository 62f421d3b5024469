// Rendering Bot API Message objects as chat bubbles, the way a Telegram client shows them:
// formatting is rebuilt from the message's entities, media link to the emulator's file URLs.

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);
}

const ENTITY_TAGS = {
  bold: ["<b>", "</b>"],
  italic: ["<i>", "</i>"],
  underline: ["<u>", "</u>"],
  strikethrough: ["<s>", "</s>"],
  code: ["<code>", "</code>"],
  pre: ['<span class="pre">', "</span>"],
  spoiler: ['<span class="spoiler">', "</span>"],
  blockquote: ['<span class="blockquote">', "</span>"],
  expandable_blockquote: ['<span class="blockquote">', "</span>"],
};

function safeUrl(url) {
  return /^(https?:|tg:|mailto:)/i.test(url) ? url : "#";
}

function wrap(segment, entity) {
  if (entity.type === "text_link") {
    return `<a href="${escapeHtml(safeUrl(entity.url))}" target="_blank" rel="noopener">` +
      `${segment}</a>`;
  }
  if (entity.type === "url") {
    const target = segment.replace(/&amp;/g, "&");
    const href = /^https?:/i.test(target) ? target : `https://${target}`;
    return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${segment}</a>`;
  }
  const tags = ENTITY_TAGS[entity.type];
  return tags ? tags[0] + segment + tags[1] : segment;
}

// Entity offsets are UTF-16 code units, which is what JavaScript string indices count.
export function formatText(text, entities) {
  if (!entities || entities.length === 0) return escapeHtml(text);
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(e.offset + e.length);
  }
  const points = [...cuts].sort((a, b) => a - b);
  let html = "";
  for (let i = 0; i < points.length - 1; i += 1) {
    const start = points[i];
    const end = points[i + 1];
    let segment = escapeHtml(text.slice(start, end));
    for (const e of entities) {
      if (e.offset <= start && e.offset + e.length >= end) segment = wrap(segment, e);
    }
    html += segment;
  }
  return html;
}

function fileUrl(fileId) {
  return `/chat/api/file/${encodeURIComponent(fileId)}`;
}

function humanSize(bytes) {
  if (bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function element(tag, className, html) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (html !== undefined) node.innerHTML = html;
  return node;
}

function renderMedia(message, bubble) {
  if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    const image = element("img", "photo");
    image.src = fileUrl(largest.file_id);
    image.alt = "photo";
    bubble.appendChild(image);
  }
  const sound = message.voice || message.audio;
  if (sound) {
    const player = element("audio");
    player.controls = true;
    player.preload = "metadata";
    player.src = fileUrl(sound.file_id);
    bubble.appendChild(player);
  }
  if (message.document) {
    const doc = message.document;
    const link = element("a", "document");
    link.href = fileUrl(doc.file_id);
    link.download = doc.file_name || "file";
    const name = doc.file_name || "file";
    const extension = name.includes(".") ? name.split(".").pop().slice(0, 4) : "FILE";
    link.innerHTML = `<span class="file-icon">${escapeHtml(extension.toUpperCase())}</span>` +
      `<span>${escapeHtml(name)}</span> <span class="size">${humanSize(doc.file_size)}</span>`;
    bubble.appendChild(link);
  }
}

function renderKeyboard(message, bubble, onPress) {
  const rows = message.reply_markup && message.reply_markup.inline_keyboard;
  if (!rows) return;
  const keyboard = element("div", "keyboard");
  for (const row of rows) {
    const line = element("div", "row");
    for (const button of row) {
      let control;
      if (button.url) {
        control = element("a");
        control.href = safeUrl(button.url);
        control.target = "_blank";
        control.rel = "noopener";
      } else {
        control = element("button");
        control.type = "button";
        control.addEventListener("click", () => onPress(message.message_id, button));
      }
      control.textContent = button.text;
      line.appendChild(control);
    }
    keyboard.appendChild(line);
  }
  bubble.appendChild(keyboard);
}

export function renderMessage(view, onPress) {
  const message = view.message;
  const bubble = element("div", view.from_bot ? "message incoming" : "message outgoing");
  bubble.dataset.messageId = message.message_id;
  if (!view.from_bot && message.chat.type !== "private" && message.from) {
    bubble.appendChild(element("div", "sender", escapeHtml(message.from.first_name)));
  }
  const quoted = message.reply_to_message;
  if (quoted) {
    const quotedText = quoted.text || quoted.caption || "[media]";
    bubble.appendChild(element("div", "quote", escapeHtml(quotedText)));
  }
  renderMedia(message, bubble);
  const text = message.text !== undefined ? message.text : message.caption;
  const entities = message.text !== undefined ? message.entities : message.caption_entities;
  if (text) bubble.appendChild(element("div", "text", formatText(text, entities)));
  renderKeyboard(message, bubble, onPress);
  const time = new Date(message.date * 1000).toLocaleTimeString([], {
    hour: "2-digit", minute: "2-digit",
  });
  bubble.appendChild(element("div", "meta", message.edit_date ? `edited ${time}` : time));
  bubble.querySelectorAll(".spoiler").forEach((s) => {
    s.addEventListener("click", () => s.classList.add("shown"));
  });
  return bubble;
}
