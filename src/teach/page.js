// Steps through the flow: highlights the current arrow, shows the current step's entry
// (cloned from the list below) and builds what every party knows and stores at that
// step from the embedded JSON. Everything is built with textContent, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lesson").textContent);
  var total = data.lines.length;
  if (total === 0) return;
  var current = 1;
  var slider = document.getElementById("slider");
  var position = document.getElementById("position");
  var panel = document.getElementById("current");
  var attackerView = document.getElementById("attacker-view");
  var buttons = {
    first: document.getElementById("first"),
    prev: document.getElementById("prev"),
    next: document.getElementById("next"),
    last: document.getElementById("last")
  };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  // What each participant knows after step `step` (1-based): later receipts of a value
  // replace earlier ones, as in the model; `first` is when it was first learned.
  function knowledgeAt(step) {
    var rows = data.participants.map(function (p) {
      return { name: p.name, role: p.role, values: new Map() };
    });
    for (var i = 0; i < data.learnings.length; i++) {
      var l = data.learnings[i];
      var at = l[3];
      if (at !== null && at > step - 1) break;
      var had = rows[l[0]].values.get(l[2]);
      rows[l[0]].values.set(l[2], { key: l[1], at: at, first: had ? had.first : at });
    }
    return rows;
  }

  function knowledgeTable(step) {
    var onlyAttackers = attackerView && attackerView.checked;
    var table = el("table", null, "knowledge");
    table.id = "knowledge";
    table.appendChild(el("caption", (onlyAttackers ? "What the attacker knows" : "What each party knows") + " after step " + step));
    var head = el("tr");
    head.appendChild(el("th", "participant")).scope = "col";
    head.appendChild(el("th", "knows (learned at)")).scope = "col";
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    knowledgeAt(step).forEach(function (row) {
      if (onlyAttackers && row.role !== "attacker") return;
      var tr = body.appendChild(el("tr", null, row.role === "attacker" ? "attacker" : ""));
      tr.dataset.participant = row.name;
      var th = tr.appendChild(el("th"));
      th.scope = "row";
      th.appendChild(el("code", row.name));
      th.appendChild(el("span", " (" + row.role + ")", "role"));
      var td = tr.appendChild(el("td"));
      if (row.values.size === 0) td.textContent = "nothing secret";
      var list = td.appendChild(el("ul"));
      row.values.forEach(function (v, value) {
        var li = list.appendChild(el("li"));
        li.appendChild(el("span", v.key, "key"));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("code", value));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", v.at === null ? "configured" : "line " + data.lines[v.at], "learned"));
        if (v.first === step - 1) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(el("strong", "new", "new"));
          li.dataset.new = "true";
        }
      });
    });
    return table;
  }

  function storedList(step) {
    var section = el("section");
    section.id = "stored";
    section.appendChild(el("h4", "What each actor stores after step " + step));
    var list = section.appendChild(el("ul", null, "stored"));
    var any = false;
    data.stored.forEach(function (object) {
      var latest = null;
      object.changes.forEach(function (c) { if (c.step <= step - 1) latest = c; });
      if (!latest) return;
      any = true;
      var li = list.appendChild(el("li"));
      li.appendChild(el("code", object.holder));
      li.appendChild(document.createTextNode(" · " + object.object + ": "));
      li.appendChild(el("span", latest.state));
      li.appendChild(el("span", " (line " + latest.line + ")", "learned-line"));
      if (latest.step === step - 1) {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("strong", "changed", "new"));
      }
    });
    if (!any) list.appendChild(el("li", "nothing yet"));
    return section;
  }

  function show(step, moveFocus) {
    step = Math.max(1, Math.min(total, step | 0));
    current = step;
    var previous = document.querySelectorAll("g.msg.current");
    for (var i = 0; i < previous.length; i++) {
      previous[i].classList.remove("current");
      previous[i].removeAttribute("aria-current");
    }
    var arrow = document.getElementById("msg-" + step);
    if (arrow) {
      arrow.classList.add("current");
      arrow.setAttribute("aria-current", "step");
      if (arrow.scrollIntoView) arrow.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    var entry = document.getElementById("entry-" + step);
    panel.replaceChildren();
    if (entry) {
      for (var c = 0; c < entry.childNodes.length; c++) panel.appendChild(entry.childNodes[c].cloneNode(true));
    }
    panel.appendChild(knowledgeTable(step));
    panel.appendChild(storedList(step));
    slider.value = String(step);
    position.textContent = "Step " + step + " of " + total + " (line " + data.lines[step - 1] + ")";
    buttons.first.disabled = buttons.prev.disabled = step === 1;
    buttons.next.disabled = buttons.last.disabled = step === total;
    if (location.hash !== "#step-" + step) history.replaceState(null, "", "#step-" + step);
    if (moveFocus) moveFocus.focus();
  }

  function fromHash() {
    var match = /^#step-(\d+)$/.exec(location.hash);
    return match ? parseInt(match[1], 10) : null;
  }

  // The list entries give up their `step-N` ids, so that a link to a step opens it in
  // the stepper instead of scrolling down to the entry.
  var entries = document.querySelectorAll("#all-steps li[data-step]");
  for (var e = 0; e < entries.length; e++) entries[e].id = "entry-" + entries[e].dataset.step;
  document.getElementById("controls").hidden = false;
  buttons.first.addEventListener("click", function () { show(1); });
  buttons.prev.addEventListener("click", function () { show(current - 1); });
  buttons.next.addEventListener("click", function () { show(current + 1); });
  buttons.last.addEventListener("click", function () { show(total); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  if (attackerView) attackerView.addEventListener("change", function () { show(current); });
  // A link to a step (`#step-7`, from a lecture's slides or the findings list) opens
  // that step in the stepper, not the plain list entry further down.
  function showLinked() {
    var step = fromHash();
    if (!step) return false;
    show(step);
    document.getElementById("controls").scrollIntoView({ block: "start" });
    return true;
  }
  window.addEventListener("hashchange", showLinked);
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    // The slider and text fields handle their own keys.
    if (target && (target.tagName === "INPUT" && target.type !== "checkbox" || target.tagName === "TEXTAREA")) return;
    var moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 1, End: total };
    if (!(event.key in moves)) return;
    event.preventDefault();
    show(moves[event.key]);
  });
  document.querySelector(".diagram svg").addEventListener("click", function (event) {
    var group = event.target.closest && event.target.closest("g.msg");
    if (group) show(parseInt(group.dataset.step, 10));
  });
  if (!showLinked()) show(1);
})();
