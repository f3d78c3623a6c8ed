// 退回: choosing a 常用原因模板 fills 退回原因, which stays editable. A later choice
// replaces the text only while it is still the last template's words; once the
// reviewer has typed or edited, the new template is added on a line of its own, so
// nothing typed is lost. Without this script the server uses the chosen template
// when 退回原因 is left empty (office/console/filing.py, return_reason).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("reason-template");
  const reason = document.getElementById("reason");
  if (!select || !reason) {
    return;
  }
  let filled = "";
  select.addEventListener("change", () => {
    const option = select.options[select.selectedIndex];
    if (!option || !option.value) {
      return;
    }
    const text = option.dataset.text || option.textContent;
    const current = reason.value;
    if (current.trim() === "" || current === filled) {
      reason.value = text;
    } else {
      reason.value = current.replace(/\s+$/, "") + "\n" + text;
    }
    filled = reason.value;
    reason.focus();
  });
});
