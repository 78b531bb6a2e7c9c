// The scheduler's job in the admin: below the crontab picker, say in words when the chosen crontab runs.
(function () {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!data || !select) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  var row = select.closest(".field-crontab");
  var help = row ? row.querySelector(".help") : null;
  var words = document.createElement("div");
  words.className = "help crontab-in-words";
  (help || select).insertAdjacentElement("afterend", words);
  var translation = document.querySelector(".field-crontab_translation");
  if (translation) {
    translation.hidden = true;
  }
  function show() {
    var text = readable[select.value];
    words.textContent = text ? "In words: " + text : "";
  }
  select.addEventListener("change", show);
  show();
})();
