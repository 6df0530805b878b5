// The institute's overview: every process and aspirant with its progress, its backlog at the
// review desk, its sample and its newest export, from the reviewer routes and export's list.
// Every text from the server goes in through textContent.
"use strict";

const KEY = "apoyo-mesa"; // the same session as the review desk page
const EXPORTS = { PENDING: "En preparación", READY: "Lista", FAILED: "Falló" };
const UNITS = { municipio: "municipios", distrito_local: "distritos locales", distrito_federal: "distritos federales", seccion: "secciones" };
let session = null;


async function call(url) {
  const answer = await bearerFetch(session.token, url);
  if (answer.status === 401 || answer.status === 403) {
    refuse(signOut, "Este token no da acceso al panorama (vencido, inválido o de otro rol).");
  }
  if (!answer.ok) throw new Error(`error ${answer.status}`);
  return answer.json();
}

function cell(tr, text, header) {
  const td = document.createElement(header ? "th" : "td");
  if (header) td.scope = "row";
  td.textContent = text;
  tr.append(td);
}

function progressText(p) {
  if (!p) return "sin corte de la lista nominal cargado";
  return `${number(p.valid)} de ${number(p.required)} (${p.met ? "cumple" : "no cumple"})`;
}

function spreadText(p) {
  if (!p || !p.dispersion) return "no aplica";
  const d = p.dispersion;
  return `${number(d.units_met)} de ${number(d.units_required)} ${UNITS[d.unit] || d.unit}`;
}

function sampleText(s) {
  if (!s) return "sin muestra";
  const state = s.escalated === null ? "en revisión" : s.escalated > 0 ? `revisión completa (${number(s.escalated)})` : "cerrada";
  return `${number(s.decided)}/${number(s.drawn)} decididos, ${number(s.problems)} con problemas; ${state}`;
}

function exportText(job) {
  if (!job) return "sin exportación";
  const done = job.status === "READY" ? `, ${number(job.supports)} apoyos` : job.error ? `: ${job.error}` : "";
  return `${EXPORTS[job.status] || job.status}${done}`;
}

function table(process, exports) {
  const section = document.createElement("section");
  section.dataset.process = process.process_id;
  const title = document.createElement("h2");
  title.id = `p-${process.process_id}`;
  title.textContent = `${process.name} (${process.process_id})`;
  section.setAttribute("aria-labelledby", title.id);
  const facts = document.createElement("p");
  facts.textContent = `Cargo ${process.office}; corte de la lista nominal ${process.cut}.`;
  const grid = document.createElement("table");
  const head = grid.createTHead().insertRow();
  for (const h of ["Aspirante", "Apoyos válidos de los requeridos", "Dispersión", "En mesa de control", "Muestra", "Exportación"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.append(th);
  }
  const body = grid.createTBody();
  const byAspirant = new Map(exports.map((j) => [j.aspirant_id, j]));
  for (const a of process.aspirants) {
    const tr = body.insertRow();
    tr.dataset.aspirant = a.aspirant_id;
    cell(tr, `${a.name} (${a.aspirant_id})`, true);
    cell(tr, progressText(a.progress));
    cell(tr, spreadText(a.progress));
    cell(tr, number(a.backlog));
    cell(tr, sampleText(a.sample));
    cell(tr, exportText(byAspirant.get(a.aspirant_id)));
  }
  section.append(title, facts, grid);
  return section;
}

async function load() {
  const overview = await call("/v1/review/overview");
  const exports = await Promise.all(overview.processes.map((p) => call(`/v1/exports?process_id=${encodeURIComponent(p.process_id)}`)));
  $("processes").replaceChildren(...overview.processes.map((p, i) => table(p, exports[i].exports)));
  const waiting = overview.processes.flatMap((p) => p.aspirants).reduce((n, a) => n + a.backlog, 0);
  say(`${overview.processes.length} procesos; ${number(waiting)} apoyos esperan en la mesa de control.`);
}

function signIn(token) {
  session = { token };
  keepSession(KEY, session);
  $("signin").hidden = true;
  $("overview").hidden = false;
  warn("");
  return load().catch((e) => { if (e.message !== "refused") warn(e.message); });
}

function signOut() {
  session = null;
  forgetSessions(KEY);
  $("overview").hidden = true;
  $("signin").hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  $("signout").addEventListener("click", () => { signOut(); say("Sesión cerrada."); });
  $("reload").addEventListener("click", () => load().catch(() => {}));
  tokenSignIn(KEY, signIn);
});
