// The aspirant's hearing page: sign in with a token (kept in this tab's sessionStorage), list
// the supports that do not count, show their images, contest one with a written argument.
// Every text from the server goes in through textContent: nothing is parsed as HTML.
"use strict";

const KEY = "apoyo-audiencia";
const CHANNELS = { AUXILIAR: "Auxiliar", AUTOSERVICIO: "Autoservicio", CEDULA_PAPEL: "Cédula en papel" };
let session = null;
let next = null;


function base() {
  const p = encodeURIComponent(session.process);
  const a = encodeURIComponent(session.aspirant);
  return `/v1/processes/${p}/aspirants/${a}/hearing`;
}

async function call(url, options = {}) {
  const answer = await bearerFetch(session.token, url, options);
  if (answer.status === 401 || answer.status === 403) {
    refuse(signOut, "Este token no da acceso a esa audiencia (vencido, inválido o de otro aspirante).");
  }
  return answer;
}

function when(iso) {
  return new Date(iso).toLocaleString("es-MX", { dateStyle: "medium", timeStyle: "short" });
}

function word(select, code) {
  const option = [...$(select).options].find((o) => o.value === code);
  return option ? `${option.textContent} (${code})` : code;
}
const statusWord = (code) => word("f-status", code);
const reasonWords = (codes) => (codes.length ? codes.map((c) => word("f-reason", c)).join("; ") : "—");

function contestBlock(item) {
  const box = document.createElement("div");
  box.className = "contest";
  const c = item.contest;
  const title = document.createElement("h4");
  title.textContent = c.state === "PENDIENTE" ? "Impugnación pendiente de decisión" : "Impugnación resuelta";
  const text = document.createElement("p");
  text.textContent = `Su argumento (${when(c.contested_at)}): ${c.argument}`;
  box.append(title, text);
  if (c.decision) {
    const decided = document.createElement("p");
    const reasons = c.decision.reasons.length ? `; motivos: ${reasonWords(c.decision.reasons)}` : "";
    const note = c.decision.note ? `. Nota de la mesa: ${c.decision.note}` : "";
    decided.textContent = `Decisión (${when(c.decision.decided_at)}): ${statusWord(c.decision.status)}${reasons}${note}`;
    box.append(decided);
  }
  return box;
}

function contestForm(item, li) {
  const form = document.createElement("form");
  const id = `arg-${item.support_id}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "Impugnar: su argumento por escrito";
  const area = document.createElement("textarea");
  area.id = id;
  area.required = true;
  const list = $("supports");
  area.minLength = Number(list.dataset.min);
  area.maxLength = Number(list.dataset.max);
  area.setAttribute("aria-describedby", `${id}-error`);
  const error = document.createElement("p");
  error.className = "error";
  error.id = `${id}-error`;
  error.hidden = true;
  const send = document.createElement("button");
  send.type = "submit";
  send.className = "primary";
  send.textContent = "Enviar impugnación";
  form.append(label, area, error, send);
  form.addEventListener("submit", (event) => { event.preventDefault(); contest(item, area, error, li); });
  return form;
}

async function contest(item, area, error, li) {
  const answer = await call(item.contest_url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ argument: area.value }),
  });
  if (answer.status !== 201) {
    error.textContent = await detail(answer);
    error.hidden = false;
    area.setAttribute("aria-invalid", "true");
    area.focus();
    return;
  }
  li.replaceWith(entry(await answer.json()));
  say(`Impugnación del folio ${item.support_id} enviada a la mesa de control.`);
}

async function showEvidence(item, holder, button) {
  button.disabled = true;
  for (const e of item.evidence) {
    const answer = await call(e.url);
    if (!answer.ok) continue;
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = URL.createObjectURL(await answer.blob());
    img.alt = `${KINDS[e.kind] || e.kind}, folio ${item.support_id}`;
    const caption = document.createElement("figcaption");
    caption.textContent = KINDS[e.kind] || e.kind;
    figure.append(img, caption);
    holder.append(figure);
  }
  button.hidden = true;
  say(`Evidencia del folio ${item.support_id} mostrada.`);
}

function entry(item) {
  const li = document.createElement("li");
  li.dataset.support = item.support_id;
  const title = document.createElement("h3");
  title.textContent = `Folio ${item.support_id}`;
  const facts = document.createElement("dl");
  row(facts, "Resultado", statusWord(item.status));
  row(facts, "Motivos", reasonWords(item.reasons));
  row(facts, "Canal", CHANNELS[item.channel] || item.channel);
  row(facts, "Recibido", when(item.received_at));
  li.append(title, facts);
  if (item.evidence.length) {
    const holder = document.createElement("div");
    holder.className = "evidence";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Ver evidencia";
    button.addEventListener("click", () => showEvidence(item, holder, button));
    li.append(button, holder);
  }
  li.append(item.contest ? contestBlock(item) : contestForm(item, li));
  return li;
}

async function load(more) {
  const params = new URLSearchParams();
  const status = $("f-status").value;
  const reason = $("f-reason").value;
  if (status) params.set("status", status);
  if (reason) params.set("reason", reason);
  if (more && next) params.set("after", next);
  const answer = await call(`${base()}?${params}`);
  if (!answer.ok) { warn(await detail(answer)); return; }
  const page = await answer.json();
  if (!more) $("supports").replaceChildren();
  page.supports.forEach((item) => $("supports").append(entry(item)));
  next = page.next;
  $("more").hidden = !next;
  const shown = $("supports").children.length;
  $("empty").hidden = shown > 0;
  say(`${shown} apoyos que no cuentan mostrados${next ? "; hay más" : ""}.`);
}

function signIn(token, process, aspirant) {
  session = { token, process, aspirant };
  keepSession(KEY, session);
  $("signin").hidden = true;
  $("hearing").hidden = false;
  $("who").textContent = `${aspirant} (proceso ${process})`;
  warn("");
  return load(false).catch(() => {});
}

function signOut() {
  session = null;
  forgetSessions(KEY);
  $("hearing").hidden = true;
  $("signin").hidden = false;
  $("supports").replaceChildren();
}

document.addEventListener("DOMContentLoaded", () => {
  $("signout").addEventListener("click", () => { signOut(); say("Sesión cerrada."); });
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); load(false).catch(() => {}); });
  $("more").addEventListener("click", () => load(true).catch(() => {}));
  aspirantSignIn(KEY, signIn);
});
