/* After logging out: nothing of the worker's stays on the phone (the offline app's IndexedDB, its
 * caches and its service worker), also where the browser ignored the Clear-Site-Data header. */
(function () {
  "use strict";
  const done = [];
  if (window.indexedDB) {
    done.push(new Promise((resolve) => {
      const r = indexedDB.deleteDatabase("fangkong-offline");
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    }));
  }
  if (window.caches) {
    done.push(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("fk-offline-"))
      .map((k) => caches.delete(k)))).catch(() => {}));
  }
  if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
    done.push(navigator.serviceWorker.getRegistrations().then((regs) => Promise.all(regs
      .filter((r) => r.scope.includes("/grid/offline/")).map((r) => r.unregister()))).catch(() => {}));
  }
  Promise.all(done).then(() => { document.documentElement.dataset.wiped = "1"; });
})();
