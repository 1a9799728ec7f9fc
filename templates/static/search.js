/* The search page with JavaScript: Pagefind's search box (the index of the page's language)
   instead of the list of everything; "?q=word" searches at once, so searches can be linked. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || !window.PagefindUI) return;
  var ui = new window.PagefindUI({
    element: "#search", showSubResults: true, showImages: false, resetStyles: false,
    translations: { placeholder: box.dataset.placeholder }
  });
  document.querySelector(".search-fallback").hidden = true;
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
