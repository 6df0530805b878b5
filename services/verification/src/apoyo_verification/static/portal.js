// The aspirant's portal: sign in with a token (kept in this tab's sessionStorage), then the
// progress with its chart per unit, the supports (filters, keyset pages, each one's data,
// images and certificate), the invitations and the auxiliaries. It calls the same JSON routes
// as any other client; every text from the server goes in through textContent.
"use strict";

const KEY = "apoyo-portal";
const HEARING_KEY = "apoyo-audiencia"; // the hearing page opens signed in from here
const UNITS_SHOWN = 60;
const CHANNELS = { AUXILIAR: "Auxiliar", AUTOSERVICIO: "Autoservicio", CEDULA_PAPEL: "Cédula en papel" };
const UNIT_NAMES = {
  entidad: "entidades", distrito_federal: "distritos federales", distrito_local: "distritos locales",
  municipio: "municipios", seccion: "secciones",
};
const FIELDS = {
  nombre: "Nombre", apellido_paterno: "Apellido paterno", apellido_materno: "Apellido materno",
  clave_elector: "Clave de elector", ocr: "OCR", cic: "CIC", emision: "Emisión", seccion: "Sección",
  email: "Correo", captured_at: "Capturado", consent: "Consentimiento",
};
const INVITATION_STATES = { CREADA: "Enviada", ABIERTA: "Abierta", USADA: "Usada", VENCIDA: "Vencida" };
let session = null;
let next = null;
let people = {};
let units = [];


function aspirantPath() {
  return `/v1/processes/${encodeURIComponent(session.process)}/aspirants/${encodeURIComponent(session.aspirant)}`;
}

async function call(url, options = {}) {
  const answer = await bearerFetch(session.token, url, options);
  if (answer.status === 401 || (answer.status === 403 && url.startsWith(aspirantPath()))) {
    refuse(signOut, "Este token no da acceso a ese portal (vencido, inválido o de otro aspirante).");
  }
  return answer;
}

function cell(tr, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  tr.append(td);
  return td;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString("es-MX", { dateStyle: "medium", timeStyle: "short" }) : "—";
}

function word(select, code) {
  const option = [...$(select).options].find((o) => o.value === code);
  return option ? option.textContent : code;
}
const statusWord = (code) => word("f-status", code);
const reasonWords = (codes) => (codes.length ? codes.map((c) => word("f-reason", c)).join("; ") : "—");
const personWord = (subject) => people[subject] || subject;

function button(text, onClick, className = "secondary") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

// Progress ---------------------------------------------------------------------------------

async function loadProgress() {
  const answer = await call(`${aspirantPath()}/progress`);
  if (!answer.ok) { warn(`Avance: ${await detail(answer)}`); return; }
  const p = await answer.json();
  const totals = $("totals");
  totals.replaceChildren();
  row(totals, "Apoyos válidos", number(p.valid));
  row(totals, "Requeridos", `${number(p.required)} de ${number(p.ln_total)} en la lista nominal`);
  row(totals, "Recibidos en total", number(Object.values(p.by_status).reduce((a, b) => a + b, 0)));
  row(totals, "Cumple el umbral y la dispersión", p.met ? "Sí" : "Todavía no");
  const meter = $("threshold-meter");
  meter.max = Math.max(p.required, 1);
  meter.value = Math.min(p.valid, meter.max);
  meter.textContent = `${p.valid} de ${p.required}`;
  const spread = p.dispersion;
  $("no-rule").hidden = Boolean(spread);
  $("units-box").hidden = !spread;
  if (!spread) return;
  const name = UNIT_NAMES[spread.unit] || spread.unit;
  $("units-summary").textContent =
    `Dispersión: ${number(spread.units_met)} ${name} cumplen su parte; se requieren ${number(spread.units_required)}` +
    ` de ${number(spread.units_total ?? spread.units_met)}.`;
  // Furthest from their share first: what the aspirant has to work on.
  units = (spread.units || []).slice().sort((a, b) => a.valid / a.required - b.valid / b.required);
  showUnits(UNITS_SHOWN);
}

function showUnits(limit) {
  const body = $("units");
  body.replaceChildren();
  for (const u of units.slice(0, limit)) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = u.unit;
    tr.append(th);
    cell(tr, number(u.valid), "number");
    cell(tr, number(u.required), "number");
    const meter = document.createElement("meter");
    meter.min = 0;
    meter.max = Math.max(u.required, 1);
    meter.value = Math.min(u.valid, meter.max);
    meter.setAttribute("aria-label", `Unidad ${u.unit}: ${u.valid} de ${u.required}`);
    meter.textContent = `${u.valid} de ${u.required}`;
    cell(tr, "").append(meter);
    cell(tr, u.met ? "Sí" : "No", u.met ? "met" : "unmet");
    body.append(tr);
  }
  $("all-units").hidden = units.length <= limit;
}

// Supports ---------------------------------------------------------------------------------

function dayStart(value, days = 0) {
  const at = new Date(`${value}T00:00`);
  at.setDate(at.getDate() + days);
  return at.toISOString();
}

function listQuery(more) {
  const params = new URLSearchParams();
  for (const [id, name] of [["f-status", "status"], ["f-reason", "reason"], ["f-channel", "channel"], ["f-auxiliary", "captured_by"]]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  if ($("f-since").value) params.set("since", dayStart($("f-since").value));
  if ($("f-until").value) params.set("until", dayStart($("f-until").value, 1));
  if (more && next) params.set("after", next);
  return params;
}

async function loadSupports(more) {
  const answer = await call(`${aspirantPath()}/supports?${listQuery(more)}`);
  if (!answer.ok) { warn(`Apoyos: ${await detail(answer)}`); return; }
  const page = await answer.json();
  if (!more) $("supports").replaceChildren();
  page.supports.forEach((item) => $("supports").append(entry(item)));
  next = page.next;
  $("more").hidden = !next;
  const shown = $("supports").children.length;
  $("empty").hidden = shown > 0;
  say(`${shown} apoyos mostrados${next ? "; hay más" : ""}.`);
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
  row(facts, "Capturado por", personWord(item.captured_by));
  row(facts, "Recibido", when(item.received_at));
  const holder = document.createElement("div");
  const open = button("Ver detalle y evidencia", () => showDetails(item.support_id, holder, open));
  li.append(title, facts, open, holder);
  return li;
}

async function showDetails(supportId, holder, opener) {
  opener.disabled = true;
  const answer = await call(`/v1/supports/${encodeURIComponent(supportId)}/details`);
  if (!answer.ok) { warn(await detail(answer)); opener.disabled = false; return; }
  const d = await answer.json();
  const heading = document.createElement("h4");
  heading.textContent = "Datos registrados";
  const data = document.createElement("dl");
  for (const [field, value] of Object.entries(d.form)) {
    row(data, FIELDS[field] || field, field === "captured_at" ? when(value) : field === "consent" ? (value ? "Sí" : "No") : value);
  }
  const images = document.createElement("div");
  images.className = "evidence";
  for (const e of d.evidence) {
    const got = await call(e.url);
    if (!got.ok) continue;
    const figure = document.createElement("figure");
    const img = document.createElement("img");
    img.src = URL.createObjectURL(await got.blob());
    img.alt = `${KINDS[e.kind] || e.kind}, folio ${supportId}`;
    const caption = document.createElement("figcaption");
    caption.textContent = KINDS[e.kind] || e.kind;
    figure.append(img, caption);
    images.append(figure);
  }
  const certificate = button("Descargar certificado (PDF)", () => download(d.certificate, supportId));
  holder.append(heading, data, await readBlock(supportId), images, certificate);
  opener.hidden = true;
  say(`Detalle del folio ${supportId} mostrado.`);
}

const CHECKS = { MATCH: "Coincide", MISMATCH: "No coincide", NOT_TYPED: "No se capturó", NOT_READ: "No se leyó" };
const MRZ = {
  cic: "CIC", ocr: "OCR", seccion: "Sección", identificador: "Identificador", birth_date: "Nacimiento",
  sex: "Sexo", expiry: "Vigencia", surnames: "Apellidos", given_names: "Nombre(s)",
};

// What identity read from the credential (verification's copy of identity.decoded).
async function readBlock(supportId) {
  const box = document.createElement("div");
  const heading = document.createElement("h4");
  heading.textContent = "Leído de la credencial";
  box.append(heading);
  const answer = await call(`/v1/supports/${encodeURIComponent(supportId)}/decoded`);
  if (!answer.ok) {
    const none = document.createElement("p");
    none.textContent = "Todavía no hay datos leídos de este apoyo.";
    box.append(none);
    return box;
  }
  const read = await answer.json();
  const facts = document.createElement("dl");
  if (read.mrz) {
    for (const [field, label] of Object.entries(MRZ)) {
      const value = read.mrz[field];
      row(facts, `MRZ: ${label}`, Array.isArray(value) ? value.join(" ") : value);
    }
  } else {
    row(facts, "MRZ", "No se leyó");
  }
  for (const c of read.checks) row(facts, `Comparación: ${FIELDS[c.field] || c.field}`, CHECKS[c.result] || c.result);
  row(facts, "Códigos leídos", read.barcodes.length ? read.barcodes.map((b) => b.kind).join(", ") : "Ninguno");
  row(facts, "Señales de la evidencia", reasonWords(read.flags));
  box.append(facts);
  return box;
}

async function download(url, supportId) {
  const answer = await call(url, { headers: { Accept: "application/pdf" } });
  if (!answer.ok) { warn(await detail(answer)); return; }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await answer.blob());
  link.download = `certificado-${supportId}.pdf`;
  document.body.append(link);
  link.click();
  link.remove();
  say(`Certificado del folio ${supportId} descargado.`);
}

// Invitations ------------------------------------------------------------------------------

async function loadInvitations() {
  const answer = await call(`${aspirantPath()}/invitations`);
  if (!answer.ok) { warn(`Invitaciones: ${await detail(answer)}`); return; }
  const body = $("invitations");
  body.replaceChildren();
  for (const i of (await answer.json()).invitations.reverse()) {
    const tr = document.createElement("tr");
    cell(tr, i.email);
    cell(tr, INVITATION_STATES[i.status] || i.status);
    cell(tr, when(i.created_at));
    cell(tr, when(i.opened_at));
    cell(tr, i.used_at ? `${when(i.used_at)} (folio ${i.support_id})` : "—");
    const action = cell(tr, "");
    if (!i.used_at) action.append(button(`Reenviar a ${i.email}`, () => invite([i.email])));
    body.append(tr);
  }
}

async function invite(emails) {
  const answer = await call("/v1/invitations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ process_id: session.process, aspirant_id: session.aspirant, emails }),
  });
  if (answer.status !== 201) { warn(`Invitaciones: ${await detail(answer)}`); return false; }
  warn("");
  say(`${emails.length === 1 ? "Invitación enviada" : `${emails.length} invitaciones enviadas`}.`);
  await loadInvitations();
  return true;
}

// Auxiliaries ------------------------------------------------------------------------------

function fullName(a) {
  return [a.nombre, a.apellido_paterno, a.apellido_materno].filter(Boolean).join(" ");
}

// Citizens' own supports (invitation or self-service) come one subject per citizen: they are
// summed into one row, so the table and the filter list only people who capture.
const CITIZEN_SUBJECTS = ["invitation:", "selfservice:"];
const isCitizen = (subject) => CITIZEN_SUBJECTS.some((prefix) => (subject || "").startsWith(prefix));

function citizensRow(rows) {
  const own = rows.filter((r) => isCitizen(r.captured_by));
  if (!own.length) return [];
  const sum = (field) => own.reduce((total, r) => total + r[field], 0);
  const decided = sum("decided");
  return [{
    captured_by: "", auxiliary_id: null, supports: sum("supports"), rejected: sum("rejected"),
    rejection_rate: decided ? sum("rejected") / decided : null, citizens: true,
  }];
}

async function loadAuxiliaries() {
  const answer = await call(`${aspirantPath()}/auxiliaries`);
  if (!answer.ok) { warn(`Auxiliares: ${await detail(answer)}`); return; }
  const all = (await answer.json()).auxiliaries;
  const rows = [...all.filter((r) => !isCitizen(r.captured_by)), ...citizensRow(all)];
  people = Object.fromEntries(rows.filter((r) => r.auxiliary_id).map((r) => [r.captured_by, fullName(r)]));
  const body = $("auxiliaries");
  body.replaceChildren();
  const filter = $("f-auxiliary");
  const chosen = filter.value;
  filter.replaceChildren(new Option("Todos", ""));
  for (const r of rows) {
    const name = r.citizens ? "La ciudadanía (invitaciones y autoservicio)" : personWord(r.captured_by);
    if (!r.citizens) filter.append(new Option(name, r.captured_by));
    const tr = document.createElement("tr");
    tr.dataset.subject = r.captured_by;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = name;
    tr.append(th);
    cell(tr, r.status === "REVOCADO" ? "Revocado" : r.auxiliary_id ? "Activo" : "—");
    cell(tr, number(r.supports), "number");
    cell(tr, number(r.rejected), "number");
    cell(tr, r.rejection_rate === null ? "—" : `${Math.round(r.rejection_rate * 100)} %`, "number");
    const action = cell(tr, "");
    if (r.status === "ACTIVO") action.append(button(`Revocar a ${name}`, () => revoke(r.auxiliary_id, name)));
    body.append(tr);
  }
  filter.value = chosen;
}

async function revoke(auxiliaryId, name) {
  const answer = await call(`/v1/auxiliaries/${encodeURIComponent(auxiliaryId)}/revoke`, { method: "POST" });
  if (!answer.ok) { warn(await detail(answer)); return; }
  say(`${name} fue revocado: sus tokens ya no registran apoyos.`);
  await loadAuxiliaries();
}

async function register(form) {
  const data = Object.fromEntries(new FormData(form).entries());
  data.accepted_data_protection = $("a-accept").checked;
  if (!data.apellido_materno) delete data.apellido_materno;
  data.clave_elector = (data.clave_elector || "").toUpperCase();
  const answer = await call(`${aspirantPath()}/auxiliaries`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(data),
  });
  if (answer.status !== 201) {
    const body = await answer.json().catch(() => ({}));
    const fields = body.detail && body.detail.fields ? `: revise ${body.detail.fields.map((f) => f.split(".").pop()).join(", ")}` : "";
    warn(`No se registró el auxiliar${fields || `: ${body.detail || answer.status}`}.`);
    return;
  }
  const made = await answer.json();
  form.reset();
  warn("");
  $("issued-token").textContent = made.token;
  $("issued").hidden = false;
  $("issued").focus();
  say(`${fullName(made)} quedó registrado como auxiliar.`);
  await loadAuxiliaries();
}

// Session ----------------------------------------------------------------------------------

async function signIn(token, process, aspirant) {
  session = { token, process, aspirant };
  keepSession(KEY, session);
  keepSession(HEARING_KEY, session);
  $("signin").hidden = true;
  $("portal").hidden = false;
  $("who").textContent = `${aspirant} (proceso ${process})`;
  warn("");
  await loadAuxiliaries(); // first: the names the list shows
  await Promise.all([loadProgress(), loadSupports(false), loadInvitations()]);
}

function signOut() {
  session = null;
  forgetSessions(KEY, HEARING_KEY);
  $("portal").hidden = true;
  $("signin").hidden = false;
  for (const id of ["supports", "units", "invitations", "auxiliaries"]) $(id).replaceChildren();
}

const quietly = (promise) => promise.catch(() => {});

document.addEventListener("DOMContentLoaded", () => {
  $("signout").addEventListener("click", () => { signOut(); say("Sesión cerrada."); });
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); quietly(loadSupports(false)); });
  $("more").addEventListener("click", () => quietly(loadSupports(true)));
  $("all-units").addEventListener("click", () => showUnits(units.length));
  $("invite").addEventListener("submit", (event) => {
    event.preventDefault();
    const emails = $("emails").value.split(/[\s,;]+/).filter(Boolean);
    if (!emails.length) { warn("Escriba al menos un correo."); return; }
    quietly(invite(emails).then((sent) => { if (sent) $("emails").value = ""; }));
  });
  $("register").addEventListener("submit", (event) => { event.preventDefault(); quietly(register(event.target)); });
  aspirantSignIn(KEY, (token, process, aspirant) => quietly(signIn(token, process, aspirant)));
});
