/* The search page with JavaScript: the form searches Pagefind's index of the page's language
   (Pagefind picks it from <html lang>) as one types, and lists the first ten pages found,
   instead of the list of everything. pagefind.js is imported at the first search only, so it
   does not weigh on the page's load. A large site's index is made in parts (parts.json lists
   each language's further bundles), merged in then. "?q=word" searches at once, so searches
   can be linked.
   Without JavaScript (or if this script fails) the form reloads the page, which lists all. */
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var status = document.querySelector(".search-status");
  var list = document.querySelector(".search-results");
  var fallback = document.querySelector(".search-fallback");
  var texts = form.dataset;  // searching, none, one, other: with {count} and {query} in them
  var lang = document.documentElement.lang;
  var pagefind = null;  // the promise of a Pagefind instance with the parts merged in, once asked for
  var latest = 0;       // the number of the latest search: answers to older ones are dropped
  var timer = 0;

  fallback.hidden = true;

  // A status text with its {count} and {query} filled in (a function, so that "$&" in a
  // query is not read as a replacement pattern).
  function say(text, count, query) {
    status.textContent = text
      .replace("{count}", function () { return count.toLocaleString(lang); })
      .replace("{query}", function () { return query; });
  }

  // The URL says what was searched, so that it can be shared or reloaded.
  function remember(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(history.state, "", url);
  }

  // A Pagefind search of this language's index, with its further parts merged in. Each
  // load makes an instance of its own, so one that failed half-way is not used again.
  async function load() {
    var loaded = await Promise.all([
      import(texts.bundle + "pagefind.js"),
      fetch(texts.bundle + "parts.json", { cache: "no-cache" }).then(function (response) {
        if (response.status === 404) return {};  // no list: one part per language
        if (!response.ok) throw new Error(response.url + ": " + response.status);
        return response.json();
      })
    ]);
    var instance = loaded[0].createInstance();
    try {
      await instance.filters();  // fails if the index did not load (merging would wait forever)
      await Promise.all((loaded[1][lang] || []).map(function (part) {
        return instance.mergeIndex(texts.bundle + part, { language: lang });
      }));
    } catch (error) {
      instance.destroy();
      throw error;
    }
    return instance;
  }

  // One result: its title as text, and Pagefind's excerpt, which is escaped HTML with <mark>.
  function item(data) {
    var li = document.createElement("li");
    var link = li.appendChild(document.createElement("a"));
    link.setAttribute("href", data.url);
    link.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(document.createElement("p")).innerHTML = data.excerpt;
    return li;
  }

  async function search(query) {
    var number = ++latest;
    query = query.trim();
    remember(query);
    if (!query) {
      status.textContent = "";
      list.hidden = true;
      list.textContent = "";
      return;
    }
    if (!pagefind) status.textContent = texts.searching;  // said once, while Pagefind loads
    try {
      pagefind = pagefind || load().catch(function (error) {
        pagefind = null;  // the next search loads again
        throw error;
      });
      // Under a sub-path Pagefind finds the site's root from the bundle's own address.
      var found = await (await pagefind).search(query);
      var pages = await Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }));
      if (number !== latest) return;  // a newer search has begun meanwhile
      list.textContent = "";
      pages.forEach(function (data) { list.appendChild(item(data)); });
      list.hidden = pages.length === 0;
      fallback.hidden = true;
      var count = found.results.length;
      say(count === 0 ? texts.none : count === 1 ? texts.one : texts.other, count, query);
    } catch (error) {
      // No index (or no network): show the list of everything again rather than nothing.
      if (number === latest) {
        status.textContent = "";
        list.hidden = true;
        fallback.hidden = false;
      }
      console.error(error);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 250);
  });

  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
})();
