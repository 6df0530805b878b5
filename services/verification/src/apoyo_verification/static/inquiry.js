// "Was it me?": a citizen sees the supports registered under their clave de elector (with a
// folio or an e-mailed code) and reports one they did not give. Nothing is kept on the device:
// the clave and the short-lived token live in this page's memory only.
"use strict";

const STATUS = {
  RECIBIDO: "Recibido, en verificación",
  EN_LISTA_NOMINAL: "Válido: cuenta para el aspirante",
  DUPLICADO_MISMO_ASPIRANTE: "No cuenta: ya había un apoyo suyo a ese aspirante",
  DUPLICADO_OTRO_ASPIRANTE: "No cuenta: ya había apoyado a otro aspirante",
  EN_PADRON_NO_LN: "No cuenta: no está en la lista nominal",
  BAJA: "No cuenta: baja del padrón",
  FUERA_AMBITO: "No cuenta: fuera del ámbito del cargo",
  NO_ENCONTRADO: "No cuenta: no se encontró en la lista nominal",
  DATOS_NO_COINCIDEN: "No cuenta: los datos no coinciden",
  INCONSISTENCIA: "No cuenta: problema con la evidencia",
  PENDIENTE_REVISION: "En revisión por la mesa de control",
};
const CHANNELS = { AUXILIAR: "Con un auxiliar", AUTOSERVICIO: "Por internet (autoservicio)", CEDULA_PAPEL: "Cédula en papel" };
let session = null;


async function post(url, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const answer = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  let data = {};
  try { data = await answer.json(); } catch (_) { /* not JSON: keep the status */ }
  return { status: answer.status, data };
}

function clave() {
  const field = $("clave");
  const value = field.value.trim().toUpperCase();
  const ok = /^[A-Z]{6}[0-9]{8}[HMX][0-9A-Z]{3}$/.test(value);
  field.setAttribute("aria-invalid", ok ? "false" : "true");
  $("clave-error").hidden = ok;
  $("clave-error").textContent = ok ? "" : "La clave de elector tiene 18 caracteres: 6 letras, 8 números, H, M o X y 3 más.";
  if (!ok) field.focus();
  return ok ? value : null;
}

function reportForm(item, li) {
  const open = document.createElement("button");
  open.type = "button";
  open.className = "secondary";
  open.textContent = "No di este apoyo";
  const form = document.createElement("form");
  form.hidden = true;
  const id = `note-${item.support_id}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = "Cuéntenos lo que sepa (opcional)";
  const note = document.createElement("textarea");
  note.id = id;
  note.maxLength = 2000;
  const send = document.createElement("button");
  send.type = "submit";
  send.className = "primary";
  send.textContent = "Enviar reporte";
  form.append(label, note, send);
  open.addEventListener("click", () => { open.hidden = true; form.hidden = false; note.focus(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    const body = { clave_elector: session.clave, support_id: item.support_id, note: note.value };
    const answer = await post("/v1/lookup/reports", body, session.token);
    if (answer.status === 201 || answer.status === 200) {
      const done = document.createElement("p");
      done.className = "contest";
      done.textContent = answer.data.detail;
      form.replaceWith(done);
      say(answer.data.detail);
    } else {
      send.disabled = false;
      warn(answer.data.detail || "No se pudo enviar el reporte; vuelva a consultar e inténtelo de nuevo.");
    }
  });
  li.append(open, form);
}

function show(data, key) {
  session = { clave: key, token: data.token };
  const list = $("supports");
  list.replaceChildren();
  for (const item of data.supports) {
    const li = document.createElement("li");
    const title = document.createElement("h3");
    title.textContent = `Apoyo a ${item.aspirant}`;
    const facts = document.createElement("dl");
    row(facts, "Proceso", item.process);
    row(facts, "Fecha", new Date(item.received_at).toLocaleString("es-MX", { dateStyle: "long", timeStyle: "short" }));
    row(facts, "Cómo se registró", CHANNELS[item.channel] || item.channel);
    row(facts, "Estado", STATUS[item.status] || item.status);
    row(facts, "Folio", item.support_id);
    li.append(title, facts);
    reportForm(item, li);
    list.append(li);
  }
  $("ask").hidden = true;
  $("found").hidden = false;
  warn("");
  say(`${data.supports.length} apoyos registrados con su clave.`);
  $("found-title").focus();
}

async function look(body) {
  const answer = await post("/v1/lookup", body);
  if (answer.status === 200) { show(answer.data, body.clave_elector); return; }
  warn(answer.data.detail || "No se pudo consultar; inténtelo más tarde.");
}

document.addEventListener("DOMContentLoaded", () => {
  for (const radio of document.querySelectorAll('input[name="way"]')) {
    radio.addEventListener("change", () => {
      const byFolio = $("by-folio").checked;
      $("folio-form").hidden = !byFolio;
      $("email-form").hidden = byFolio;
      $("code-form").hidden = true;
    });
  }
  $("folio-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = clave();
    if (key) look({ clave_elector: key, support_id: $("folio").value.trim() });
  });
  $("email-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = clave();
    if (!key) return;
    const answer = await post("/v1/lookup/codes", { clave_elector: key, email: $("email").value.trim() });
    if (answer.status !== 202) { warn(answer.data.detail || "No se pudo enviar el código."); return; }
    say(answer.data.detail);
    $("code-form").hidden = false;
    $("code").focus();
  });
  $("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = clave();
    if (key) look({ clave_elector: key, code: $("code").value.trim() });
  });
  $("again").addEventListener("click", () => {
    session = null;
    $("supports").replaceChildren();
    $("found").hidden = true;
    $("ask").hidden = false;
    say("");
  });
});
