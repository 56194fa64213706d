// The sandbox's web client: a persona, their chats, one chat, and what they can do in it.
// Plain JavaScript, no build step; every action goes through the JSON API in web/app.py.
"use strict";

const state = {
  world: null, persona: null, chat: null, chats: [], rendered: "", stick: true,
  bubbles: new Map(), replyKeyboard: "",
};
const $ = (id) => document.getElementById(id);

// Lists are updated in place, keeping the elements that stay: an element rebuilt between a
// press and its release would lose the click, and a rebuilt picture would load again.
function syncChildren(parent, nodes) {
  nodes.forEach((node, index) => {
    const there = parent.children[index];
    if (there !== node) parent.insertBefore(node, there || null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

const ALLOWED_TAGS = new Set([
  "B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL", "CODE", "PRE", "A",
  "BLOCKQUOTE", "TG-SPOILER", "SPAN", "TG-EMOJI", "BR",
]);

async function api(path, options = {}) {
  const response = await fetch(path, options);
  if (!response.ok) {
    const text = await response.text();
    throw new Error(text || response.statusText);
  }
  return response.json();
}

function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: state.persona, ...body }),
  });
}

// Telegram HTML from the emulator is already escaped; this keeps only the tags Telegram
// knows and links that lead somewhere safe.
function sanitized(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const walk = (node) => {
    for (const child of [...node.childNodes]) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        walk(child);
        if (!ALLOWED_TAGS.has(child.tagName)) {
          child.replaceWith(...child.childNodes);
          continue;
        }
        const href = child.tagName === "A" ? child.getAttribute("href") || "" : "";
        for (const attribute of [...child.attributes]) child.removeAttribute(attribute.name);
        if (child.tagName === "A" && /^(https?:|tg:|mailto:)/i.test(href)) {
          child.setAttribute("href", href);
        }
        if (child.tagName === "TG-SPOILER" || child.tagName === "SPAN") {
          child.classList.add("spoiler");
        }
      } else if (child.nodeType !== Node.TEXT_NODE) {
        child.remove();
      }
    }
  };
  walk(template.content);
  return template.content;
}

function toast(text) {
  const element = $("toast");
  element.textContent = text;
  element.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { element.hidden = true; }, 2500);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

function failed(error) {
  toast(`⚠️ ${error.message}`);
}

function deepLink(url) {
  const username = state.world.bot.username || "";
  const match = /^https:\/\/(t|telegram)\.me\/([A-Za-z0-9_]+)\/?(\?|$)/.exec(url);
  return match !== null && match[2].toLowerCase() === username.toLowerCase();
}

async function openUrl(url) {
  if (deepLink(url)) {
    await post("/api/open_link", { url });
    await selectChat(state.persona);
  } else {
    window.open(url, "_blank", "noopener");
  }
}

// --- the chat list ------------------------------------------------------------------------

async function loadChats() {
  const persona = state.persona;
  const data = await api(`/api/chats?as=${persona}`);
  if (persona !== state.persona) return;  // switched meanwhile: that persona's list is stale
  state.chats = data.chats;
  $("clock").textContent = new Date(data.now * 1000).toLocaleString();
  const list = $("chats");
  const kept = new Map([...list.children].map((item) => [item.dataset.chatId, item]));
  const items = data.chats.map((chat) => {
    let item = kept.get(String(chat.id));
    if (item === undefined) {
      item = document.createElement("li");
      item.dataset.chatId = chat.id;
      const name = document.createElement("div");
      name.className = "name";
      const preview = document.createElement("div");
      preview.className = "preview";
      item.append(name, preview);
      item.addEventListener("click", () => selectChat(chat.id).catch(failed));
    }
    item.classList.toggle("active", chat.id === state.chat);
    item.querySelector(".name").textContent =
      `${chat.kind === "group" ? "👥" : "🤖"} ${chat.title}`;
    item.querySelector(".preview").textContent = chat.last || "No messages yet";
    return item;
  });
  syncChildren(list, items);
}

async function selectChat(chatId) {
  state.chat = chatId;
  state.rendered = "";
  const chat = state.chats.find((c) => c.id === chatId);
  $("chat-title").textContent = chat ? chat.title : state.world.bot.name;
  $("text").disabled = false;
  await refresh();
  $("text").focus();
}

// --- one chat -----------------------------------------------------------------------------

function mediaBlock(items) {
  const box = document.createElement("div");
  const count = items.length;
  box.className = `media ${count > 4 ? "many" : `n${count}`}`;
  for (const item of items) {
    let element;
    if (item.sample) {
      element = document.createElement("div");
      element.className = "placeholder";
      element.textContent = item.kind === "video" ? "▶︎" : "🖼";
    } else if (item.kind === "video") {
      element = document.createElement("video");
      element.src = item.url;
      element.controls = true;
      element.preload = "metadata";
    } else {
      element = document.createElement("img");
      element.addEventListener("load", keepAtBottom);
      element.src = item.url;
      element.alt = item.kind;
      element.loading = "lazy";
    }
    box.append(element);
  }
  return box;
}

function keyboard(message) {
  const box = document.createElement("div");
  box.className = "inline-keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.text;
      if (button.url) {
        element.classList.add("url");
        element.addEventListener("click", () => openUrl(button.url).catch(failed));
      } else if (button.data !== null) {
        element.addEventListener("click", () => press(message, button.data).catch(failed));
      } else {
        element.disabled = true;
      }
      line.append(element);
    }
    box.append(line);
  }
  return box;
}

function bubble(group) {
  const first = group[0];
  const wrapper = document.createElement("div");
  wrapper.className = `msg ${first.outgoing ? "out" : "in"}`;
  wrapper.dataset.messageId = first.id;
  if (first.album) wrapper.dataset.album = first.album;
  const body = document.createElement("div");
  body.className = "bubble";
  if (first.kind === "sticker") body.classList.add("sticker");
  const isGroupChat = state.chat !== state.persona;
  if (isGroupChat && !first.outgoing) {
    const sender = document.createElement("div");
    sender.className = "sender";
    sender.textContent = first.sender.name;
    body.append(sender);
  }
  const media = group.flatMap((m) => m.media);
  if (first.kind === "sticker") {
    body.append(first.sticker || "🙂");
  } else if (media.length) {
    body.append(mediaBlock(media));
  }
  const captioned = group.find((m) => m.html);
  if (captioned) {
    const text = document.createElement("div");
    text.className = "text";
    text.append(sanitized(captioned.html));
    body.append(text);
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(first.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  meta.textContent = group.some((m) => m.edited) ? `edited ${time}` : time;
  body.append(meta);
  wrapper.append(body);
  const withButtons = group.find((m) => m.buttons.length);
  if (withButtons) wrapper.append(keyboard(withButtons));
  return wrapper;
}

// The chat follows new messages (and pictures as they load) unless the person scrolled up.
function keepAtBottom() {
  const box = $("messages");
  if (state.stick) box.scrollTop = box.scrollHeight;
}

function newBubble(group) {
  if (group[0].service) {
    const service = document.createElement("div");
    service.className = "service";
    service.textContent = group[0].service;
    return service;
  }
  const element = bubble(group);
  for (const spoiler of element.querySelectorAll(".spoiler")) {
    spoiler.addEventListener("click", () => spoiler.classList.add("shown"));
  }
  for (const link of element.querySelectorAll(".bubble a[href]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      openUrl(link.getAttribute("href")).catch(failed);
    });
  }
  return element;
}

function render(messages) {
  const box = $("messages");
  const groups = [];
  for (const message of messages) {
    const previous = groups.at(-1);
    if (message.album && previous && previous[0].album === message.album) previous.push(message);
    else groups.push([message]);
  }
  // A message's bubble is kept while it stays the same (its key is all it shows).
  const inGroup = state.chat !== state.persona;
  const bubbles = new Map();
  const nodes = groups.map((group) => {
    const key = `${inGroup}:${JSON.stringify(group)}`;
    const node = state.bubbles.get(key) || newBubble(group);
    bubbles.set(key, node);
    return node;
  });
  state.bubbles = bubbles;
  syncChildren(box, nodes);
  const lastKeyboard = [...messages].reverse().find((m) => !m.outgoing && m.keyboard.length);
  const rows = lastKeyboard ? lastKeyboard.keyboard : [];
  if (JSON.stringify(rows) !== state.replyKeyboard) {
    state.replyKeyboard = JSON.stringify(rows);
    $("keyboard").replaceChildren(
      ...rows.map((row) => {
        const line = document.createElement("div");
        line.className = "row";
        for (const label of row) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = label;
          button.addEventListener("click", () => sendText(label).catch(failed));
          line.append(button);
        }
        return line;
      }),
    );
  }
  if (!state.rendered) state.stick = true;
  keepAtBottom();
}

async function refresh() {
  await loadChats();
  const { persona, chat } = state;
  if (chat === null) return;
  const data = await api(`/api/chats/${chat}/messages?as=${persona}`);
  if (persona !== state.persona || chat !== state.chat) return;
  const snapshot = JSON.stringify(data.messages);
  if (snapshot === state.rendered) return;
  render(data.messages);
  state.rendered = snapshot;
}

let refreshing = null;
let again = false;
function scheduleRefresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = refresh()
    .catch(failed)
    .finally(() => {
      refreshing = null;
      if (again) {
        again = false;
        scheduleRefresh();
      }
    });
}

// --- acting -------------------------------------------------------------------------------

async function sendText(text) {
  await post("/api/send", { chat: state.chat, text });
  scheduleRefresh();
}

async function press(message, data) {
  const answer = await post("/api/press", { chat: state.chat, message: message.id, data });
  if (answer.answered && answer.text) {
    if (answer.show_alert) alertBox(answer.text);
    else toast(answer.text);
  }
}

async function sendMedia(kind, files = []) {
  const form = new FormData();
  form.append("as", state.persona);
  form.append("chat", state.chat);
  form.append("kind", kind);
  for (const file of files) form.append("file", file, file.name);
  await api("/api/send_media", { method: "POST", body: form });
  scheduleRefresh();
}

async function switchPersona(personaId) {
  state.persona = personaId;
  state.chat = null;
  state.rendered = "";
  const persona = state.world.personas.find((p) => p.id === personaId);
  $("about").textContent = persona ? persona.about : "";
  $("about").title = $("about").textContent;
  $("messages").replaceChildren();
  $("keyboard").replaceChildren();
  state.replyKeyboard = "";
  $("chat-title").textContent = "Choose a chat";
  $("text").disabled = true;
  await selectChat(personaId);
}

async function main() {
  state.world = await api("/api/world");
  document.title = state.world.title;
  $("title").textContent = state.world.title;
  const select = $("persona");
  for (const persona of state.world.personas) {
    const option = document.createElement("option");
    option.value = persona.id;
    option.textContent = `${persona.name} (${persona.role})`;
    select.append(option);
  }
  select.addEventListener("change", () => switchPersona(Number(select.value)).catch(failed));
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("text");
    const text = input.value.trim();
    if (!text || state.chat === null) return;
    input.value = "";
    sendText(text).catch(failed);
  });
  $("attach").addEventListener("click", () => {
    $("attach-menu").hidden = !$("attach-menu").hidden;
  });
  for (const button of document.querySelectorAll("[data-media]")) {
    button.addEventListener("click", () => {
      $("attach-menu").hidden = true;
      if (state.chat === null) return;
      if (button.dataset.media === "disk") $("files").click();
      else sendMedia(button.dataset.media).catch(failed);
    });
  }
  $("files").addEventListener("change", () => {
    const files = [...$("files").files];
    $("files").value = "";
    if (!files.length) return;
    const kind = files.length > 1 ? "album" : files[0].type.startsWith("video/") ? "video" : "photo";
    sendMedia(kind, files).catch(failed);
  });
  $("forward").addEventListener("click", async () => {
    const minutes = Number($("forward-by").value);
    $("forward").disabled = true;
    try {
      await post("/api/fast_forward", { minutes });
      toast(`⏩ ${$("forward-by").selectedOptions[0].textContent} later`);
      scheduleRefresh();
    } catch (error) {
      failed(error);
    } finally {
      $("forward").disabled = false;
    }
  });
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
  $("messages").addEventListener("scroll", () => {
    const box = $("messages");
    state.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  });
  const events = new EventSource("/api/events");
  events.addEventListener("change", scheduleRefresh);
  await switchPersona(state.world.personas[0].id);
  document.body.dataset.ready = "true";
}

main().catch(failed);
