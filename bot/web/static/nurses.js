/* Handout page: the "Print this handout" button (kept out of the HTML: the CSP allows no inline script). */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
