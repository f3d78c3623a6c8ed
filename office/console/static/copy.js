// 复制 buttons (units/issued.html): copy the text of the field named by data-copy.
// A static file, not an inline script: the Content-Security-Policy allows only 'self'.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) {
    return;
  }
  var said = document.getElementById(button.getAttribute("data-said"));
  function tell(text) {
    if (said) {
      said.textContent = text;
    }
  }
  field.focus();
  field.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(
      function () { tell("已复制到剪贴板。"); },
      function () { tell("无法自动复制：内容已选中，请按 Ctrl+C 复制。"); }
    );
  } else {
    tell("内容已选中，请按 Ctrl+C 复制。");
  }
});
