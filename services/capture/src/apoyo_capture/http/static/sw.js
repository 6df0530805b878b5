/* The form's service worker: the form pages (invitation and campaign links) and their files
 * are fetched from the network first and kept in a cache, so that a page opens again without
 * a connection and finds the draft the citizen left in IndexedDB. The API is never cached or
 * intercepted. */
"use strict";
var CACHE = "apoyo-formulario-v1";
var OFFLINE_PATHS = /^\/(i\/[^/]+|c\/[^/]+\/[^/]+|static\/form\.(js|css))$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin ||
      !OFFLINE_PATHS.test(url.pathname)) {
    return;
  }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }, function () {
    return caches.match(url.pathname).then(function (cached) {
      return cached || Response.error();
    });
  }));
});
