// The review desk page: sign in with an ople token (kept in this tab's sessionStorage), pick a
// process, decide the queue's supports one at a time from the keyboard. The next item's case
// file and images are fetched while the current one is looked at, so a decision shows the next
// support at once. Every text from the server goes in through textContent.
"use strict";

const KEY = "apoyo-mesa";
const FIELDS = [
  ["apellido_paterno", "Apellido paterno"],
  ["apellido_materno", "Apellido materno"],
  ["nombre", "Nombre"],
  ["clave_elector", "Clave de elector"],
  ["ocr", "OCR"],
  ["cic", "CIC"],
  ["emision", "Emisión"],
  ["seccion", "Sección"],
  ["fecha_nacimiento", "Fecha de nacimiento"],
];
const CAUSES = {
  PENDIENTE_REVISION: "la clasificación no pudo decidir sola",
  MUESTRA: "muestra aleatoria",
  ASPIRANTE_COMPLETO: "revisión completa del aspirante",
  SUPLANTACION: "la persona dijo que no dio este apoyo",
  AUDIENCIA: "impugnación del aspirante",
};
let session = null;
let words = {};
let queue = [];      // items of the current page not decided yet
let after = null;    // the next page's key
let current = null;  // the item shown
const loaded = new Map(); // support id -> Promise of its case file and image URLs
let decided = 0;
let busy = false;

const word = (code) => (code && words[code] ? `${words[code]} (${code})` : code || "—");
const when = (iso) => new Date(iso).toLocaleString("es-MX", { dateStyle: "short", timeStyle: "medium" });

async function call(url, options = {}) {
  const answer = await bearerFetch(session.token, url, options);
  if (answer.status === 401 || answer.status === 403) {
    refuse(signOut, "Este token no da acceso a la mesa de control (vencido, inválido o de otro rol).");
  }
  return answer;
}

function cell(tr, text, header) {
  const td = document.createElement(header ? "th" : "td");
  if (header) td.scope = "row";
  td.textContent = text == null || text === "" ? "—" : String(text);
  tr.append(td);
  return td;
}

const itemUrl = (id) => `/v1/review/items/${encodeURIComponent(id)}`;

function fetchCase(id) {
  // The case file and every image, fetched once; a decision waits for nothing of the next one.
  if (!loaded.has(id)) {
    loaded.set(id, (async () => {
      const answer = await call(`${itemUrl(id)}/case`);
      if (!answer.ok) throw new Error(await detail(answer));
      const file = await answer.json();
      const images = {};
      await Promise.all(file.evidence.map(async (e) => {
        const image = await call(`${itemUrl(id)}/evidence/${e.kind}`);
        if (image.ok) images[e.kind] = URL.createObjectURL(await image.blob());
      }));
      return { file, images };
    })());
  }
  return loaded.get(id);
}

function forget(id) {
  const kept = loaded.get(id);
  loaded.delete(id);
  if (kept) kept.then(({ images }) => Object.values(images).forEach((u) => URL.revokeObjectURL(u))).catch(() => {});
}

function readValue(file, name) {
  const mrz = file.read && file.read.mrz;
  if (!mrz) return null;
  if (name === "fecha_nacimiento") return mrz.birth_date;
  if (name === "apellido_paterno") return mrz.surnames[0];
  if (name === "apellido_materno") return mrz.surnames.slice(1).join(" ");
  if (name === "nombre") return mrz.given_names.join(" ");
  return mrz[name] || null;
}

function showPictures(file, images) {
  const holder = $("pictures");
  holder.replaceChildren();
  for (const kind of Object.keys(KINDS)) {
    const figure = document.createElement("figure");
    const caption = document.createElement("figcaption");
    caption.textContent = KINDS[kind];
    if (images[kind]) {
      const img = document.createElement("img");
      img.src = images[kind];
      img.alt = `${KINDS[kind]}, folio ${file.support_id}`;
      figure.append(img);
    } else {
      const none = document.createElement("p");
      none.textContent = "No hay imagen.";
      figure.append(none);
    }
    figure.append(caption);
    holder.append(figure);
  }
}

function showFields(file) {
  const body = $("fields").tBodies[0];
  body.replaceChildren();
  const record = file.record || {};
  for (const [name, label] of FIELDS) {
    const tr = document.createElement("tr");
    cell(tr, label, true);
    cell(tr, file.typed ? file.typed[name] : null);
    cell(tr, readValue(file, name));
    cell(tr, record[name]);
    body.append(tr);
  }
  $("record-note").textContent = file.record
    ? `Registro del padrón (corte ${file.record.cut}, situación ${file.record.situacion}), encontrado por ${file.record.path}.`
    : "Con estos datos no se encontró registro en la lista nominal del proceso.";
  const checks = (file.read ? file.read.checks : []).filter((c) => c.result !== "MATCH");
  const flags = file.read ? file.read.flags : [];
  $("checks").textContent = `Comprobaciones: ${checks.length ? checks.map((c) => `${c.field} ${c.result}`).join(", ") : "sin diferencias"}` +
    `${flags.length ? `; señales: ${flags.join(", ")}` : ""}.`;
}

function show(file, images) {
  $("item").hidden = false;
  $("empty").hidden = true;
  $("item").dataset.support = file.support_id;
  $("item-title").textContent = `Apoyo folio ${file.support_id} (aspirante ${file.aspirant_id})`;
  const open = file.referrals.filter((r) => !r.decided);
  $("why").textContent = `Resultado actual: ${word(file.status)}. Motivos: ${file.reasons.map(word).join("; ") || "—"}. ` +
    `En la mesa por: ${open.map((r) => `${CAUSES[r.cause] || r.cause}${r.note ? ` («${r.note}»)` : ""}`).join("; ")}.`;
  const pending = file.pending_rejection;
  $("pending").hidden = !pending;
  $("pending").textContent = pending
    ? `Rechazo propuesto por ${pending.proposed_by} (${when(pending.proposed_at)}): ${word(pending.reason)}. ` +
      "Confírmelo con la misma tecla o decida otra cosa."
    : "";
  showPictures(file, images);
  showFields(file);
  $("note").value = "";
}

async function fill() {
  // The queue's next page when this one is used up; items waiting for another reviewer's
  // confirmation of this reviewer's own rejection are not shown to it.
  while (!queue.length && after !== undefined) {
    const params = new URLSearchParams({ process_id: $("process").value, limit: "50" });
    if ($("aspirant").value) params.set("aspirant_id", $("aspirant").value);
    if (after) params.set("after", after);
    const answer = await call(`/v1/review/queue?${params}`);
    if (!answer.ok) { warn(await detail(answer)); return; }
    const page = await answer.json();
    session.reviewer = page.reviewer;
    $("who").textContent = page.reviewer;
    queue = page.items.filter((i) => !(i.pending_rejection && i.pending_rejection.proposed_by === page.reviewer));
    after = page.next_after || undefined;
  }
}

async function advance() {
  await fill();
  current = queue.shift() || null;
  if (!current) {
    $("item").hidden = true;
    $("empty").hidden = false;
    return;
  }
  const { file, images } = await fetchCase(current.support_id);
  show(file, images);
  await fill();
  if (queue.length) fetchCase(queue[0].support_id).catch(() => {}); // preload the next one
}

async function decide(ruling, reason) {
  if (!current || busy) return;
  busy = true;
  const id = current.support_id;
  const body = { decision: ruling, note: $("note").value };
  if (reason) body.reason = reason;
  try {
    const answer = await call(`${itemUrl(id)}/decision`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let told = "";
    if (answer.status === 200) {
      told = `Folio ${id}: ${ruling === "VALIDO" ? "válido" : `inconsistencia, ${word(reason)}`}. Decisión registrada.`;
    } else if (answer.status === 202) {
      told = `Folio ${id}: rechazo propuesto (${word(reason)}); espera la confirmación de otra persona.`;
    } else {
      warn(`Folio ${id}: ${await detail(answer)}`);
    }
    if (told) {
      decided += 1;
      $("count").textContent = String(decided);
      warn("");
    }
    forget(id);
    await advance();
    // Said once the next support is on screen, so that nothing overwrites it.
    if (told) say(current ? told : `${told} No hay más apoyos en espera en esta cola.`);
    refresh().catch(() => {});
  } finally {
    busy = false;
  }
}

function samplesRows(overview) {
  const body = $("samples").tBodies[0];
  body.replaceChildren();
  const process = overview.processes.find((p) => p.process_id === $("process").value);
  for (const a of process ? process.aspirants : []) {
    const tr = document.createElement("tr");
    cell(tr, `${a.name} (${a.aspirant_id})`, true);
    cell(tr, a.backlog);
    const s = a.sample;
    cell(tr, s ? `${s.decided} de ${s.drawn} decididos, ${s.problems} con problemas` : "sin muestra");
    let state = "—";
    if (s && s.escalated !== null) state = s.escalated > 0 ? `10 % o más con problemas: ${s.escalated} apoyos más a la mesa` : "menos de 10 % con problemas: no se envían más";
    else if (s) state = "en revisión";
    cell(tr, state);
    body.append(tr);
  }
}

async function refresh() {
  const process = $("process").value;
  const [overview, audit] = await Promise.all([
    call("/v1/review/overview").then((a) => a.json()),
    call(`/v1/review/decisions?process_id=${encodeURIComponent(process)}&limit=20`).then((a) => a.json()),
  ]);
  samplesRows(overview);
  const body = $("audit").tBodies[0];
  body.replaceChildren();
  for (const d of audit.decisions) {
    const tr = document.createElement("tr");
    tr.dataset.support = d.support_id;
    cell(tr, d.number, true);
    cell(tr, d.support_id);
    cell(tr, d.aspirant_id);
    cell(tr, d.decision === "VALIDO" ? "Válido" : `Inconsistencia: ${word(d.reason)}`);
    cell(tr, d.decided_by);
    cell(tr, when(d.decided_at));
    cell(tr, d.proposed_by);
    body.append(tr);
  }
  return overview;
}

async function start() {
  queue = [];
  after = null;
  loaded.forEach((_, id) => forget(id));
  await advance();
  say(current ? `Apoyo folio ${current.support_id} en pantalla.` : "No hay apoyos en espera en esta cola.");
  await refresh();
}

async function signIn(token) {
  session = { token };
  keepSession(KEY, session);
  const answer = await call("/v1/review/overview");
  if (!answer.ok) { warn(await detail(answer)); return; }
  const overview = await answer.json();
  $("signin").hidden = true;
  $("desk").hidden = false;
  warn("");
  $("process").replaceChildren(...overview.processes.map((p) => new Option(`${p.name} (${p.process_id})`, p.process_id)));
  fillAspirants(overview);
  $("process").addEventListener("change", () => fillAspirants(overview));
  if (!overview.processes.length) { say("No hay procesos."); return; }
  await start();
}

function fillAspirants(overview) {
  const process = overview.processes.find((p) => p.process_id === $("process").value);
  const options = [new Option("Todos", ""), ...(process ? process.aspirants.map((a) => new Option(`${a.name} (${a.aspirant_id})`, a.aspirant_id)) : [])];
  $("aspirant").replaceChildren(...options);
}

function signOut() {
  session = null;
  forgetSessions(KEY);
  $("desk").hidden = true;
  $("signin").hidden = false;
}

function onKey(event) {
  if (!session || !current || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest && event.target.closest("input, textarea, select")) return;
  const key = event.key.toLowerCase();
  if (key === "o") { event.preventDefault(); queue.length || after !== undefined ? advance() : say("No hay más apoyos en esta cola."); return; }
  const button = document.querySelector(`button.decide[data-key="${CSS.escape(key)}"]`);
  if (!button) return;
  event.preventDefault();
  decide(button.dataset.ruling, button.dataset.reason || null);
}

document.addEventListener("DOMContentLoaded", () => {
  words = JSON.parse($("main").dataset.words || "{}");
  $("signout").addEventListener("click", () => { signOut(); say("Sesión cerrada."); });
  $("choose").addEventListener("submit", (event) => { event.preventDefault(); start().catch(() => {}); });
  document.querySelectorAll("button.decide").forEach((b) => b.addEventListener("click", () => decide(b.dataset.ruling, b.dataset.reason || null)));
  $("skip").addEventListener("click", () => advance().catch(() => {}));
  document.addEventListener("keydown", onKey);
  tokenSignIn(KEY, (token) => signIn(token).catch(() => {}));
});
