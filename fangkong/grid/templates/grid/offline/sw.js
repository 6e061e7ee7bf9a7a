{% load static %}// 离线填报 service worker: the app shell from the cache when there is no signal. Scope: {{ scope }}
"use strict";
const CACHE = "fk-offline-{{ version }}";
const SHELL = "{{ scope }}";
const ASSETS = [SHELL, "{% url 'grid:offline_manifest' %}", "{% static 'css/fangkong.css' %}",
  "{% static 'vendor/htmx.min.js' %}", "{% static 'offline/app.js' %}", "{% static 'offline/icon-192.png' %}",
  "{% static 'offline/icon-512.png' %}", "{% static 'offline/icon.svg' %}", "{% static 'favicon.svg' %}",
  "{% static 'favicon.ico' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("fk-offline-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && url.pathname === SHELL) {
    // The shell: fresh when there is signal (and kept), else the kept one.
    event.respondWith(fetch(req).then((res) => {
      if (res.ok && !res.redirected) {
        const copy = res.clone();
        caches.open(CACHE).then((c) => c.put(SHELL, copy));
      }
      return res;
    }).catch(() => caches.open(CACHE).then((c) => c.match(SHELL))));
    return;
  }
  if (url.pathname.startsWith(SHELL)) return;  // the data and the answers: always the network
  event.respondWith(caches.open(CACHE).then((c) => c.match(req, {ignoreSearch: true}))
    .then((hit) => hit || fetch(req)));
});
