// The web chat page: acts as one simulated user and shows the chat as Telegram would.
// Messages come from long-polling /chat/api/updates; they are Bot API Message objects, so
// formatting is rebuilt from their entities exactly as a Telegram client does.
import { element, renderMessage } from "./render.js";

const $ = (id) => document.getElementById(id);
const messagesBox = $("messages");
const textInput = $("text-input");
const userPicker = $("user-picker");
const chatPicker = $("chat-picker");
const statusLine = $("status");
const recordButton = $("record-button");

const state = {
  roster: null,
  userId: null,
  chatId: null,
  revision: 0,
  generation: 0, // bumped on every chat switch so an old poll loop stops
  nodes: new Map(), // message_id -> element
  actionTimer: null,
};

async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function postJson(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

function showMessage(view) {
  const id = view.message.message_id;
  const fresh = renderMessage(view, press);
  const existing = state.nodes.get(id);
  if (existing) {
    existing.replaceWith(fresh); // an edit: update in place
  } else {
    // Keep message_id order even if a slow response delivers out of order.
    const later = [...state.nodes.entries()].filter(([other]) => other > id)
      .sort(([a], [b]) => a - b)[0];
    messagesBox.insertBefore(fresh, later ? later[1] : null);
  }
  state.nodes.set(id, fresh);
}

function scrollToEnd() {
  messagesBox.scrollTop = messagesBox.scrollHeight;
}

function showAction(action, seconds) {
  clearTimeout(state.actionTimer);
  if (!action) {
    statusLine.textContent = "bot";
    statusLine.classList.remove("typing");
    return;
  }
  const words = {
    typing: "typing…", record_voice: "recording voice…", upload_voice: "sending voice…",
    upload_photo: "sending photo…", upload_document: "sending file…",
  };
  statusLine.textContent = words[action] || `${action.replace(/_/g, " ")}…`;
  statusLine.classList.add("typing");
  state.actionTimer = setTimeout(() => showAction(null), Math.max(seconds, 0.5) * 1000);
}

function toast(text, alert) {
  if (alert) {
    window.alert(text);
    return;
  }
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { box.hidden = true; }, 2500);
}

// ---- the feed ----------------------------------------------------------------------------

async function pollLoop(generation) {
  while (generation === state.generation) {
    try {
      const feed = await api(
        `/chat/api/updates?chat_id=${state.chatId}&after=${state.revision}`);
      if (generation !== state.generation) return;
      const atBottom =
        messagesBox.scrollHeight - messagesBox.scrollTop - messagesBox.clientHeight < 80;
      feed.messages.forEach(showMessage);
      if (feed.messages.length && atBottom) scrollToEnd();
      feed.notices.forEach((n) => toast(n.text, n.alert));
      showAction(feed.action, feed.action_seconds);
      state.revision = feed.revision;
    } catch (error) {
      console.warn("feed failed, retrying", error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function switchChat() {
  state.userId = Number(userPicker.value);
  state.chatId = chatPicker.value === "group" ? state.roster.group.id : state.userId;
  state.generation += 1;
  state.revision = 0;
  state.nodes.clear();
  messagesBox.innerHTML = "";
  showAction(null);
  pollLoop(state.generation);
}

// ---- sending -----------------------------------------------------------------------------

async function sendText() {
  const text = textInput.value.trim();
  if (!text) return;
  textInput.value = "";
  autoGrow();
  await postJson("/chat/api/send", { user_id: state.userId, chat_id: state.chatId, text });
  scrollToEnd();
}

async function press(messageId, button) {
  await postJson("/chat/api/press", {
    user_id: state.userId, chat_id: state.chatId, message_id: messageId,
    data: button.callback_data,
  });
}

async function upload(file, extra) {
  const form = new FormData();
  form.append("user_id", state.userId);
  form.append("chat_id", state.chatId);
  for (const [key, value] of Object.entries(extra)) form.append(key, value);
  form.append("file", file, file.name || "file");
  await api("/chat/api/upload", { method: "POST", body: form });
  scrollToEnd();
}

$("file-input").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const caption = textInput.value.trim();
  textInput.value = "";
  await upload(file, { caption });
});

// ---- voice -------------------------------------------------------------------------------

const recorder = { media: null, chunks: [], startedAt: 0 };

function voiceMimeType() {
  // Telegram voice notes are Ogg/Opus; browsers that cannot record that get WebM/Opus.
  for (const type of ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm"]) {
    if (window.MediaRecorder && MediaRecorder.isTypeSupported(type)) return type;
  }
  return "";
}

async function toggleRecording() {
  if (recorder.media && recorder.media.state === "recording") {
    recorder.media.stop();
    return;
  }
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    toast("Voice recording needs a browser with MediaRecorder (and http://127.0.0.1).");
    return;
  }
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const mimeType = voiceMimeType();
  const media = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  recorder.media = media;
  recorder.chunks = [];
  recorder.startedAt = Date.now();
  media.addEventListener("dataavailable", (e) => { if (e.data.size) recorder.chunks.push(e.data); });
  media.addEventListener("stop", async () => {
    stream.getTracks().forEach((track) => track.stop());
    recordButton.classList.remove("recording");
    const type = media.mimeType || mimeType || "audio/webm";
    const blob = new Blob(recorder.chunks, { type });
    const extension = type.includes("ogg") ? "ogg" : "webm";
    const seconds = Math.max(1, Math.round((Date.now() - recorder.startedAt) / 1000));
    const file = new File([blob], `voice.${extension}`, { type });
    await upload(file, { kind: "voice", duration: String(seconds) });
  });
  media.start();
  recordButton.classList.add("recording");
}

recordButton.addEventListener("click", () => {
  toggleRecording().catch((error) => toast(`Microphone: ${error.message}`));
});

// ---- composer ----------------------------------------------------------------------------

function autoGrow() {
  textInput.style.height = "auto";
  textInput.style.height = `${Math.min(textInput.scrollHeight, 140)}px`;
}

textInput.addEventListener("input", autoGrow);
textInput.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendText().catch((error) => toast(error.message));
  }
});
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  sendText().catch((error) => toast(error.message));
});

// ---- start -------------------------------------------------------------------------------

async function start() {
  state.roster = await api("/chat/api/roster");
  $("bot-name").textContent = `${state.roster.bot.first_name} (@${state.roster.bot.username})`;
  const group = chatPicker.querySelector('option[value="group"]');
  group.textContent = state.roster.group.title;
  for (const user of state.roster.users) {
    const option = element("option");
    option.value = user.id;
    option.textContent = `${user.first_name} (${user.id})`;
    userPicker.appendChild(option);
  }
  // Start as the first ordinary user (Anna) rather than the admin.
  const anna = state.roster.users.find((u) => u.id === 1001) || state.roster.users[0];
  userPicker.value = anna.id;
  userPicker.addEventListener("change", switchChat);
  chatPicker.addEventListener("change", switchChat);
  switchChat();
  textInput.focus();
}

start().catch((error) => toast(`Could not start: ${error.message}`));
