/* The citizen web form (docs/capture-channels.md, "The citizen web form").
 *
 * Everything captured lives in IndexedDB from the moment it is captured: the typed fields,
 * the photos and the signature as Blobs, the step, the Idempotency-Key (made once per draft)
 * and, once the citizen sends, the capture time. A reload restores it. A support sent
 * without a connection stays queued and is sent when the connection returns, with the same
 * key and capture time. No personal data is written to the console or sent anywhere else.
 */
(function () {
  "use strict";

  var DB_NAME = "apoyo-formulario";
  var STORE = "drafts";
  var CACHE = "apoyo-formulario-v1";
  var RETRY_MS = 15000;
  // The API takes at most 10 MB and 40 million pixels an image: bigger photos (recent phones)
  // are reduced on the device, as JPEG, to at most MAX_SIDE pixels on the long side.
  var MAX_BYTES = 8 * 1024 * 1024;
  var MAX_PIXELS = 24000000;
  var MAX_SIDE = 4000;
  var TEXT_FIELDS = ["nombre", "apellido_paterno", "apellido_materno", "clave_elector", "ocr",
    "cic", "seccion", "emision", "typed_name", "email"];
  var PATTERNS = {
    clave_elector: /^[A-Za-z]{6}[0-9]{8}[HMXhmx][0-9]{3}$/,
    ocr: /^[0-9]{13}$/, cic: /^[0-9]{9}$/, seccion: /^[0-9]{4}$/, emision: /^[0-9]{2}$/
  };
  var PATTERN_TEXT = {
    clave_elector: "La clave de elector tiene 18 caracteres: 6 letras, 8 números, H, M o X y 3 números.",
    ocr: "El OCR tiene 13 números.", cic: "El CIC tiene 9 números.",
    seccion: "La sección tiene 4 números.", emision: "La emisión tiene 2 números."
  };
  var LABELS = {
    nombre: "Nombre(s)", apellido_paterno: "Primer apellido", apellido_materno: "Segundo apellido",
    clave_elector: "Clave de elector", ocr: "OCR", cic: "CIC", seccion: "Sección", emision: "Emisión"
  };
  var PHOTO_LABELS = {
    credential_front: "Frente de la credencial", credential_back: "Reverso de la credencial",
    selfie: "Fotografía de su rostro", signature: "Firma"
  };
  var REFUSALS = {
    token_used: "Con este enlace ya se registró un apoyo.",
    token_expired: "El enlace venció. Pida una nueva invitación.",
    capture_closed: "El periodo para dar apoyos ya terminó.",
    capture_not_open: "El periodo para dar apoyos aún no empieza.",
    consent_mismatch: "La declaración cambió: recargue la página y léala de nuevo.",
    invalid_image: "Una de las fotografías no se pudo leer: tómela de nuevo.",
    unsupported_media_type: "Una de las fotografías no es una imagen válida: tómela de nuevo.",
    image_too_large: "Una de las fotografías es demasiado grande: tómela de nuevo.",
    payload_too_large: "Las fotografías pesan demasiado: tómelas de nuevo.",
    validation_error: "Algún dato no tiene el formato esperado: revíselo.",
    unauthorized: "El enlace no es válido."
  };
  var CODE_REFUSALS = {
    code_wrong: "El código no coincide. Revíselo e inténtelo de nuevo.",
    code_expired: "El código venció. Solicite otro.",
    code_used: "Ese código ya se usó. Solicite otro.",
    too_many_attempts: "Demasiados intentos. Solicite otro código.",
    too_many_requests: "Demasiadas solicitudes. Espere un momento e inténtelo de nuevo."
  };

  var root = document.getElementById("form");
  if (!root) { return; }
  // An invitation link is the token; on the campaign link the token comes from the e-mail
  // code and is kept in the draft.
  var invited = root.dataset.entry === "invitation";
  var token = invited ? decodeURIComponent(location.pathname.split("/i/")[1] || "") : "";
  var draftKey = invited ? "i:" + token : "c:" + root.dataset.process + ":" + root.dataset.aspirant;
  var steps = Array.prototype.slice.call(root.querySelectorAll("section.step"))
    .filter(function (s) { return s.dataset.step !== "done"; });
  var statusBox = document.getElementById("status");
  var alertBox = document.getElementById("alert");
  var draft = null;
  var db = null;
  var sending = false;
  var retryTimer = null;
  var pad = { canvas: document.getElementById("sig-pad"), drawing: false, strokes: 0 };

  function $(id) { return document.getElementById(id); }
  function say(text) { statusBox.textContent = text; }
  function warn(text) { alertBox.textContent = text; }

  /* ---------- storage ---------- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function load() {
    return new Promise(function (resolve, reject) {
      var request = db.transaction(STORE).objectStore(STORE).get(draftKey);
      request.onsuccess = function () { resolve(request.result || null); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function save() {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(draft);
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
    });
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function freshDraft() {
    return {
      key: draftKey, idempotencyKey: newKey(), state: "draft", step: steps[0].dataset.step,
      consent: false, fields: {}, images: {}, signatureMode: "draw", typedConfirm: false,
      capturedAt: null, result: null, createdAt: new Date().toISOString(), token: null,
      requestId: null
    };
  }

  /* ---------- offline copy of the page ---------- */
  function keepOffline() {
    var done = function () { root.dataset.offlineReady = "true"; };
    if (!("serviceWorker" in navigator) || !window.caches) { return; }
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      return caches.open(CACHE);
    }).then(function (cache) {
      return cache.addAll([location.pathname, "/static/form.js", "/static/form.css"]);
    }).then(done, function () { /* the draft is still kept in IndexedDB */ });
  }

  /* ---------- steps ---------- */
  function stepIndex(key) {
    for (var i = 0; i < steps.length; i++) { if (steps[i].dataset.step === key) { return i; } }
    return 0;
  }
  function show(key, focus) {
    var target = key === "done" ? $("step-done") : steps[stepIndex(key)];
    steps.concat([$("step-done")]).forEach(function (s) { s.hidden = s !== target; });
    if (key === "review") { fillReview(); }
    if (focus) { target.querySelector("h2").focus(); }
  }
  function go(delta) {
    var index = stepIndex(draft.step);
    if (delta > 0 && !validate(steps[index].dataset.step)) { return; }
    var next = steps[Math.max(0, Math.min(steps.length - 1, index + delta))].dataset.step;
    var finish = delta > 0 && draft.step === "signature" && draft.signatureMode === "typed"
      ? typedSignature() : Promise.resolve();
    finish.then(function () {
      draft.step = next;
      warn("");
      return save();
    }).then(function () { show(next, true); });
  }

  /* ---------- validation ---------- */
  function setError(id, text) {
    var input = $(id);
    var box = $(id + "-error");
    if (input && input.tagName !== "CANVAS") {
      if (text) { input.setAttribute("aria-invalid", "true"); }
      else { input.removeAttribute("aria-invalid"); }
    }
    if (box) { box.textContent = text || ""; box.hidden = !text; }
  }
  function check(problems, id, text) {
    setError(id, text);
    if (text) { problems.push(id); }
  }
  function validate(step) {
    var problems = [];
    var f = draft.fields;
    if (step === "email") {
      check(problems, "f-email", draft.token ? "" :
        "Primero compruebe su correo con el código que le enviamos.");
    } else if (step === "consent") {
      check(problems, "f-consent", draft.consent ? "" :
        "Para continuar marque que leyó la declaración y el aviso y que da su apoyo.");
    } else if (step === "names") {
      check(problems, "f-nombre", (f.nombre || "").trim() ? "" : "Escriba su nombre.");
      check(problems, "f-apellido_paterno",
        (f.apellido_paterno || "").trim() ? "" : "Escriba su primer apellido.");
    } else if (step === "ids") {
      Object.keys(PATTERNS).forEach(function (name) {
        var value = (f[name] || "").trim();
        var text = "";
        if (!value && name === "clave_elector") { text = "Escriba su clave de elector."; }
        else if (value && !PATTERNS[name].test(value)) { text = PATTERN_TEXT[name]; }
        check(problems, "f-" + name, text);
      });
    } else if (step === "photos" || step === "selfie") {
      var kinds = step === "photos" ? ["credential_front", "credential_back"] : ["selfie"];
      kinds.forEach(function (kind) {
        check(problems, "f-" + kind, draft.images[kind] ? "" :
          "Falta la fotografía: " + PHOTO_LABELS[kind].toLowerCase() + ".");
      });
    } else if (step === "signature") {
      if (draft.signatureMode === "draw") {
        check(problems, "sig-pad", draft.images.signature ? "" :
          "Dibuje su firma en el recuadro, o elija escribir su nombre.");
      } else {
        check(problems, "f-typed_name",
          (f.typed_name || "").trim().length >= 3 ? "" : "Escriba su nombre completo.");
        check(problems, "f-typed_confirm", draft.typedConfirm ? "" :
          "Marque la confirmación para que su nombre escrito valga como firma.");
      }
    }
    if (problems.length) {
      warn(problems.length === 1 ? "Hay un dato por corregir." :
        "Hay " + problems.length + " datos por corregir.");
      var first = $(problems[0]);
      if (first.tagName === "CANVAS") { first = $("f-sig-draw"); }
      first.focus();
      return false;
    }
    warn("");
    return true;
  }

  /* ---------- inputs ---------- */
  function bindText(name) {
    var input = $("f-" + name);
    if (!input) { return; }
    input.addEventListener("input", function () {
      draft.fields[name] = input.value;
      save();
    });
  }
  function preview(kind) {
    var img = $("f-" + kind + "-preview");
    if (!img) { return; }
    var blob = draft.images[kind];
    if (img.src) { URL.revokeObjectURL(img.src); }
    if (blob) { img.src = URL.createObjectURL(blob); img.hidden = false; }
    else { img.removeAttribute("src"); img.hidden = true; }
  }
  function fitted(file) {
    if (!window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (bitmap) {
      var pixels = bitmap.width * bitmap.height;
      if (file.size <= MAX_BYTES && pixels <= MAX_PIXELS) { bitmap.close(); return file; }
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height),
        Math.sqrt(MAX_PIXELS / pixels));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.9);
      });
    }, function () { return file; });  // not an image the browser reads: the API will say
  }
  function bindPhoto(kind) {
    var input = $("f-" + kind);
    if (!input) { return; }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      fitted(file).then(function (image) {
        draft.images[kind] = image;
        return save();
      }).then(function () {
        preview(kind);
        setError("f-" + kind, "");
        say("Fotografía guardada: " + PHOTO_LABELS[kind].toLowerCase() + ".");
      });
    });
  }

  /* ---------- signature ---------- */
  function padContext() {
    var ctx = pad.canvas.getContext("2d");
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
    return ctx;
  }
  function clearPad() {
    var ctx = pad.canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, pad.canvas.width, pad.canvas.height);
    pad.strokes = 0;
  }
  function padPoint(event) {
    var box = pad.canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * pad.canvas.width / box.width,
      y: (event.clientY - box.top) * pad.canvas.height / box.height
    };
  }
  function bindPad() {
    var ctx = padContext();
    clearPad();
    pad.canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      pad.canvas.setPointerCapture(event.pointerId);
      pad.drawing = true;
      var p = padPoint(event);
      ctx = padContext();
      ctx.beginPath(); ctx.moveTo(p.x, p.y);
    });
    pad.canvas.addEventListener("pointermove", function (event) {
      if (!pad.drawing) { return; }
      var p = padPoint(event);
      ctx.lineTo(p.x, p.y); ctx.stroke();
    });
    var end = function () {
      if (!pad.drawing) { return; }
      pad.drawing = false;
      pad.strokes += 1;
      pad.canvas.toBlob(function (blob) {
        draft.images.signature = blob;
        draft.signatureMode = "draw";
        setError("sig-pad", "");
        save();
      }, "image/png");
    };
    pad.canvas.addEventListener("pointerup", end);
    pad.canvas.addEventListener("pointercancel", end);
  }
  function restorePad() {
    clearPad();
    var blob = draft.signatureMode === "draw" ? draft.images.signature : null;
    if (!blob) { return; }
    var img = new Image();
    img.onload = function () {
      pad.canvas.getContext("2d").drawImage(img, 0, 0);
      URL.revokeObjectURL(img.src);
    };
    img.src = URL.createObjectURL(blob);
  }
  /* The accessible alternative: the typed full name drawn on a canvas of the pad's size, with
   * a caption saying so, becomes the signature PNG. */
  function typedSignature() {
    var canvas = document.createElement("canvas");
    canvas.width = 600; canvas.height = 220;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 600, 220);
    ctx.fillStyle = "#000"; ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
    var name = (draft.fields.typed_name || "").trim();
    var size = 44;
    do { ctx.font = "italic " + size + "px serif"; size -= 2; }
    while (ctx.measureText(name).width > 560 && size > 12);
    ctx.fillText(name, 300, 130);
    ctx.fillRect(40, 150, 520, 2);
    ctx.font = "16px sans-serif";
    ctx.fillText("Nombre escrito y confirmado por quien da el apoyo", 300, 190);
    return new Promise(function (resolve) {
      canvas.toBlob(function (blob) {
        draft.images.signature = blob;
        resolve();
      }, "image/png");
    });
  }
  function showMode() {
    var typed = draft.signatureMode === "typed";
    $("sig-draw").hidden = typed;
    $("sig-typed").hidden = !typed;
    $("f-sig-draw").checked = !typed;
    $("f-sig-typed").checked = typed;
  }
  function bindMode() {
    ["f-sig-draw", "f-sig-typed"].forEach(function (id) {
      $(id).addEventListener("change", function () {
        if (!$(id).checked) { return; }
        draft.signatureMode = $(id).value;
        delete draft.images.signature;
        clearPad();
        showMode();
        save();
      });
    });
    $("f-typed_confirm").addEventListener("change", function () {
      draft.typedConfirm = $("f-typed_confirm").checked;
      save();
    });
  }

  /* ---------- review ---------- */
  function fillReview() {
    var list = $("review-list");
    list.textContent = "";
    Object.keys(LABELS).forEach(function (name) {
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = LABELS[name];
      dd.textContent = (draft.fields[name] || "").trim() || "(no escrito)";
      list.appendChild(dt); list.appendChild(dd);
    });
    var thumbs = $("review-images");
    Array.prototype.forEach.call(thumbs.querySelectorAll("img"), function (img) {
      URL.revokeObjectURL(img.src);
    });
    thumbs.textContent = "";
    ["credential_front", "credential_back", "selfie", "signature"].forEach(function (kind) {
      if (!draft.images[kind]) { return; }
      var img = document.createElement("img");
      img.alt = PHOTO_LABELS[kind];
      img.src = URL.createObjectURL(draft.images[kind]);
      thumbs.appendChild(img);
    });
    var queued = draft.state === "queued";
    root.querySelector('[data-action="submit"]').disabled = queued;
    $("step-review").querySelector('[data-action="back"]').disabled = queued;
  }

  /* ---------- sending ---------- */
  function supportData() {
    var f = draft.fields;
    var data = {
      process_id: root.dataset.process, aspirant_id: root.dataset.aspirant,
      channel: "AUTOSERVICIO", consent: true, consent_sha256: root.dataset.consentSha256,
      captured_at: draft.capturedAt
    };
    Object.keys(LABELS).forEach(function (name) {
      var value = (f[name] || "").trim();
      if (value) { data[name] = name === "clave_elector" ? value.toUpperCase() : value; }
    });
    if (!invited && (f.email || "").trim()) { data.email = f.email.trim().toLowerCase(); }
    return data;
  }
  function body() {
    var form = new FormData();
    form.append("data", JSON.stringify(supportData()));
    var names = { credential_front: "frente", credential_back: "reverso", selfie: "rostro",
      signature: "firma" };
    Object.keys(names).forEach(function (kind) {
      var blob = draft.images[kind];
      if (!blob) { return; }
      var ext = blob.type === "image/png" ? ".png" : blob.type === "image/webp" ? ".webp" : ".jpg";
      form.append(kind, blob, names[kind] + ext);
    });
    return form;
  }
  function waitForConnection() {
    say("Sin conexión: su apoyo quedó guardado en este dispositivo y se enviará solo cuando " +
      "vuelva la conexión. Puede cerrar esta página y volver a abrir el enlace.");
    if (!retryTimer) { retryTimer = setInterval(send, RETRY_MS); }
  }
  function send() {
    if (sending || !draft || draft.state !== "queued") { return; }
    if (!navigator.onLine) { waitForConnection(); return; }
    sending = true;
    say("Enviando su apoyo…");
    fetch("/v1/supports", {
      method: "POST", body: body(), cache: "no-store", credentials: "omit",
      headers: { "Authorization": "Bearer " + token, "Idempotency-Key": draft.idempotencyKey }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        return { status: response.status, answer: answer };
      });
    }).then(function (got) {
      sending = false;
      if (got.status === 202) { return sent(got.answer); }
      if (got.status === 429 || got.status >= 500) { waitForConnection(); return; }
      refused(got.answer);
    }, function () {
      sending = false;
      waitForConnection();
    });
  }
  function sent(answer) {
    if (retryTimer) { clearInterval(retryTimer); retryTimer = null; }
    // Keep only the receipt on the device: the personal data and photos are no longer needed.
    // The token stays: it fetches the certificate, the citizen's receipt.
    draft = { key: draftKey, state: "sent", result: answer, step: "done", token: draft.token };
    return save().then(showDone);
  }
  function refused(answer) {
    draft.state = "draft";
    draft.capturedAt = null;
    save().then(function () {
      show("review", false);
      say("");
      warn("No se pudo registrar su apoyo. " +
        (REFUSALS[answer && answer.error] || "Revise sus datos e intente de nuevo."));
      $("h-review").focus();
    });
  }
  function submit() {
    if (draft.state === "queued") { send(); return; }
    draft.state = "queued";
    draft.capturedAt = new Date().toISOString();
    save().then(function () {
      fillReview();
      send();
    });
  }
  function showDone() {
    var result = draft.result || {};
    show("done", true);
    $("done-id").textContent = result.support_id || "";
    $("done-text").textContent = "Gracias. Su apoyo se recibió" +
      (result.received_at ? " el " + new Date(result.received_at).toLocaleString("es-MX") : "") +
      ". Guarde su folio y su constancia.";
    say("Apoyo enviado.");
  }
  function certificate() {
    var id = draft.result && draft.result.support_id;
    if (!id) { return; }
    say("Preparando su constancia…");
    fetch("/v1/supports/" + encodeURIComponent(id) + "/certificate", {
      headers: { "Authorization": "Bearer " + token, "Accept": "application/pdf" },
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) { throw new Error("certificate"); }
      return response.blob();
    }).then(function (blob) {
      var link = $("certificate-link");
      link.href = URL.createObjectURL(blob);
      link.hidden = false;
      link.focus();
      say("Su constancia está lista: use el enlace «Abrir la constancia».");
    }, function () {
      warn("No se pudo obtener la constancia ahora; intente más tarde.");
    });
  }

  /* ---------- e-mail code (campaign link) ---------- */
  function post(path, payload) {
    return fetch(path, {
      method: "POST", body: JSON.stringify(payload), credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        return { status: response.status, answer: answer };
      });
    });
  }
  function offlineForCode() {
    warn("Para recibir y comprobar el código necesita conexión a internet.");
  }
  function requestCode() {
    var email = (draft.fields.email || "").trim();
    if (!/^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/.test(email)) {
      setError("f-email", "Escriba un correo electrónico válido, por ejemplo nombre@dominio.mx.");
      warn("Hay un dato por corregir.");
      $("f-email").focus();
      return;
    }
    setError("f-email", "");
    post("/v1/self-service/codes", {
      process_id: root.dataset.process, aspirant_id: root.dataset.aspirant, email: email
    }).then(function (got) {
      if (got.status !== 202) {
        warn(CODE_REFUSALS[got.answer.error] || "No se pudo enviar el código; revise su correo.");
        return;
      }
      draft.requestId = got.answer.request_id;
      warn("");
      save().then(function () {
        $("code-box").hidden = false;
        say("Le enviamos un código a su correo. Escríbalo abajo; vence en 24 horas.");
        $("f-code").focus();
      });
    }, offlineForCode);
  }
  function verifyCode() {
    var code = ($("f-code").value || "").trim();
    if (!/^[0-9]{6}$/.test(code)) {
      setError("f-code", "El código tiene seis números.");
      warn("Hay un dato por corregir.");
      $("f-code").focus();
      return;
    }
    post("/v1/self-service/tokens", { request_id: draft.requestId, code: code })
      .then(function (got) {
        if (got.status !== 200) {
          setError("f-code", CODE_REFUSALS[got.answer.error] || "No se pudo comprobar el código.");
          warn("Hay un dato por corregir.");
          $("f-code").focus();
          return;
        }
        token = got.answer.token;
        draft.token = token;
        setError("f-code", "");
        say("Correo comprobado.");
        go(1);
      }, offlineForCode);
  }

  /* ---------- start ---------- */
  function restore() {
    TEXT_FIELDS.forEach(function (name) {
      var input = $("f-" + name);
      if (input && draft.fields[name] !== undefined) { input.value = draft.fields[name]; }
    });
    $("f-consent").checked = !!draft.consent;
    if ($("code-box")) { $("code-box").hidden = !draft.requestId; }
    $("f-typed_confirm").checked = !!draft.typedConfirm;
    ["credential_front", "credential_back", "selfie"].forEach(preview);
    showMode();
    restorePad();
  }
  function bind() {
    TEXT_FIELDS.forEach(bindText);
    ["credential_front", "credential_back", "selfie"].forEach(bindPhoto);
    $("f-consent").addEventListener("change", function () {
      draft.consent = $("f-consent").checked;
      save();
    });
    bindPad();
    bindMode();
    root.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button || button.disabled) { return; }
      var action = button.dataset.action;
      if (action === "next") { go(1); }
      else if (action === "back") { go(-1); }
      else if (action === "clear-signature") {
        clearPad();
        delete draft.images.signature;
        save();
        say("Firma borrada.");
      } else if (action === "submit") { submit(); }
      else if (action === "certificate") { certificate(); }
      else if (action === "request-code") { requestCode(); }
      else if (action === "verify-code") { verifyCode(); }
    });
    window.addEventListener("online", send);
    window.addEventListener("offline", function () {
      if (draft && draft.state === "queued") { waitForConnection(); }
    });
  }

  openDb().then(function (opened) {
    db = opened;
    return load();
  }).then(function (found) {
    draft = found || freshDraft();
    if (!invited) { token = draft.token || ""; }
    bind();
    if (draft.state === "sent") { showDone(); return; }
    restore();
    if (found) { say("Recuperamos lo que había capturado en este dispositivo."); }
    show(draft.step, false);
    root.dataset.ready = "true";
    if (draft.state === "queued") { send(); }
    return save();
  }).catch(function () {
    warn("Este navegador no permite guardar el formulario. Use otro navegador o desactive " +
      "la navegación privada.");
  });
  keepOffline();
}());
