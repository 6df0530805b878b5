// What the verification pages share, loaded (deferred) before each page's own script: the
// element lookup, the two live regions, the server's refusal text, a bearer-token fetch, the
// session kept in this tab's sessionStorage, and the aspirant's sign-in form of the portal and
// the hearing. Every text from the server goes in through textContent.
"use strict";

const $ = (id) => document.getElementById(id);
const number = (n) => Number(n).toLocaleString("es-MX");
const KINDS = {
  credential_front: "Credencial, anverso",
  credential_back: "Credencial, reverso",
  selfie: "Fotografía viva",
  signature: "Firma",
};

function say(text) { $("status").textContent = text; }
function warn(text) { $("alert").textContent = text; }

// The server's `detail` (Spanish, for people), or the status and code when there is none.
async function detail(answer) {
  try {
    const body = await answer.json();
    return typeof body.detail === "string" ? body.detail : `error ${answer.status} (${body.error})`;
  } catch (_) { return `error ${answer.status}`; }
}

function bearerFetch(token, url, options = {}) {
  const headers = { Authorization: `Bearer ${token}`, ...(options.headers || {}) };
  return fetch(url, { ...options, headers });
}

function row(list, term, value) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  list.append(dt, dd);
}

// A session lives in this tab only: closing it signs out, another tab signs in on its own.
const keepSession = (key, session) => sessionStorage.setItem(key, JSON.stringify(session));
const forgetSessions = (...keys) => keys.forEach((key) => sessionStorage.removeItem(key));
const keptSession = (key) => JSON.parse(sessionStorage.getItem(key) || "null");

// The token's claims, unchecked (the server checks every call): they only fill the form.
function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
  } catch (_) {
    return {};
  }
}

// The portal's and the hearing's sign-in: a pasted token fills the process and the aspirant
// from its claims; `start(token, process, aspirant)` opens the page, also for a kept session.
function aspirantSignIn(key, start) {
  $("token").addEventListener("input", () => {
    const c = claims($("token").value.trim());
    if (c.process) $("process").value = c.process;
    if (c.aspirant) $("aspirant").value = c.aspirant;
  });
  $("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    const c = claims(token);
    const process = $("process").value.trim() || c.process || "";
    const aspirant = $("aspirant").value.trim() || c.aspirant || "";
    if (!token || !process || !aspirant) { warn("Escriba el token, el proceso y el aspirante."); return; }
    $("token").value = "";
    start(token, process, aspirant);
  });
  const session = keptSession(key);
  if (session) start(session.token, session.process, session.aspirant);
}

// An ople page's sign-in (the desk and the overview share one session).
function tokenSignIn(key, start) {
  $("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim();
    if (!token) { warn("Pegue el token."); return; }
    $("token").value = "";
    start(token);
  });
  const session = keptSession(key);
  if (session) start(session.token);
}

// A refused token ends the session with the page's own words; the throw stops the caller.
function refuse(signOut, message) {
  signOut();
  warn(message);
  throw new Error("refused");
}
