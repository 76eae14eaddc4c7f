// The self-assessment form (valuekit/book/self_assessment_form.py renders it): scores the answers in the
// browser by the rule of valuekit/positioning.py, keeps them in localStorage, and reads and writes the
// answers file the notebook reads. Nothing leaves the browser. The functions below follow positioning.py's
// rules 2 to 7 one for one; its thresholds arrive in data-rules, so they are never spelled here.
(function () {
  "use strict";

  const form = document.getElementById("self-assessment-form");
  if (!form) {
    return;
  }
  const rules = JSON.parse(form.dataset.rules);
  const words = JSON.parse(form.dataset.words);
  const stageNames = JSON.parse(form.dataset.stages);
  const dimensionNames = JSON.parse(form.dataset.dimensions);
  const storageKey = form.dataset.storageKey;
  const levels = Array.from({ length: rules.topStage }, (_, index) => index + 1);
  const CSV_COLUMNS = ["item_id", "dimension", "stage", "importance", "statement", "agreement", "evidence"];
  const SVG = "http://www.w3.org/2000/svg";

  const rubric = Array.from(form.querySelectorAll("fieldset[data-item]"), (fieldset) => ({
    id: fieldset.dataset.item,
    dimension: fieldset.dataset.dimension,
    stage: fieldset.dataset.stage,
    stageLevel: Number(fieldset.dataset.stageLevel),
    importance: Number(fieldset.dataset.importance),
    statement: fieldset.querySelector(".saf-statement").textContent,
    fieldset,
  }));
  const dimensions = [...new Set(rubric.map((item) => item.dimension))];

  function format(template, ...values) {
    let index = 0;
    return template.replace(/\{\}/g, () => String(values[index++]));
  }

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  // ---- Answers: the form is the one place they live while the page is open. ----

  // item id -> {agreement (1..5), evidence}; statements without an agreement are left out, as load_answers
  // drops them.
  function answersFromForm() {
    const answers = new Map();
    for (const item of rubric) {
      const checked = item.fieldset.querySelector("input[type=radio]:checked");
      const evidence = item.fieldset.querySelector("input[type=text]").value.trim();
      if (checked && checked.value !== "") {
        answers.set(item.id, { agreement: Number(checked.value), evidence });
      }
    }
    return answers;
  }

  // Evidence is kept for unanswered statements too, so a half-written note survives a reload.
  function formState() {
    const state = {};
    for (const item of rubric) {
      const checked = item.fieldset.querySelector("input[type=radio]:checked");
      const evidence = item.fieldset.querySelector("input[type=text]").value;
      if ((checked && checked.value !== "") || evidence.trim() !== "") {
        state[item.id] = { agreement: checked && checked.value !== "" ? Number(checked.value) : null, evidence };
      }
    }
    return state;
  }

  function fillForm(state) {
    for (const item of rubric) {
      const answer = state[item.id] || { agreement: null, evidence: "" };
      const value = answer.agreement === null ? "" : String(answer.agreement);
      item.fieldset.querySelector(`input[type=radio][value="${value}"]`).checked = true;
      item.fieldset.querySelector("input[type=text]").value = answer.evidence || "";
    }
  }

  // localStorage can be missing or refuse (private windows, pages opened from disk in some browsers): the form
  // then works for the visit and says that the answers are not kept.
  function save() {
    try {
      localStorage.setItem(storageKey, JSON.stringify(formState()));
    } catch (error) {
      document.getElementById("saf-storage").textContent = words.not_kept;
    }
  }

  function restore() {
    let stored;
    try {
      stored = localStorage.getItem(storageKey);
    } catch (error) {
      document.getElementById("saf-storage").textContent = words.not_kept;
      return;
    }
    try {
      fillForm(stored ? JSON.parse(stored) : {});
    } catch (error) {
      fillForm({}); // kept by a form whose statements have since changed: start afresh rather than half-filled
    }
  }

  // ---- The rule (valuekit/positioning.py). ----

  function stageAnswers(answers, dimension, level) {
    return rubric
      .filter((item) => item.dimension === dimension && item.stageLevel === level && answers.has(item.id))
      .map((item) => answers.get(item.id).agreement);
  }

  // Rules 2 to 4: met and denied stages, the stage reached, the highest stage met, the inconsistent flag.
  function scoreDimensions(answers) {
    return dimensions.map((dimension) => {
      const met = {};
      const denied = {};
      for (const level of levels) {
        const values = stageAnswers(answers, dimension, level);
        const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
        met[level] = values.length > 0 && Math.min(...values) >= rules.metMinimum && mean >= rules.metMean;
        denied[level] = values.length > 0 && Math.max(...values) < rules.agreesAt;
      }
      let stage = 0;
      while (stage < rules.topStage && met[stage + 1]) {
        stage += 1;
      }
      const highestMet = Math.max(0, ...levels.filter((level) => met[level]));
      const inconsistent = levels.some((level) => denied[level] && level < highestMet);
      return { dimension, stage, highestMet, inconsistent, met, denied };
    });
  }

  // Rule 5 and the counts beside it (score_people).
  function scorePerson(answers, scored) {
    const stages = scored.map((row) => row.stage);
    const overall = Math.min(...stages);
    const sorted = [...stages].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    const flat = new Set(stages).size === 1;
    return {
      overall,
      median: Math.floor(median),
      weakest: flat ? [] : scored.filter((row) => row.stage === overall).map((row) => row.dimension),
      inconsistent: scored.some((row) => row.inconsistent),
      unanswered: rubric.length - answers.size,
      agreedWithoutEvidence: [...answers.values()].filter(
        (answer) => answer.agreement >= rules.agreesAt && answer.evidence === "").length,
    };
  }

  function byItemId(a, b) {
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  // Rule 6 (top_gaps): none for an inconsistent respondent or one at the top stage.
  function topGaps(answers, person) {
    const nextStage = person.overall + 1;
    if (nextStage > rules.topStage || person.inconsistent) {
      return [];
    }
    return rubric
      .filter((item) => item.stageLevel <= nextStage)
      .map((item) => {
        const agreement = answers.has(item.id) ? answers.get(item.id).agreement : null;
        const counted = agreement === null ? rules.unansweredCountsAs : agreement;
        return { ...item, agreement, counted, weight: item.importance * (rules.agreesAt - counted) };
      })
      .filter((gap) => gap.counted < rules.agreesAt)
      .sort((a, b) => a.stageLevel - b.stageLevel || b.weight - a.weight || byItemId(a, b))
      .slice(0, rules.gapLimit);
  }

  // Rule 7 (conversation_points): one point per inconsistent dimension.
  function conversationPoints(answers, scored) {
    return scored.filter((row) => row.inconsistent).map((row) => {
      const deniedLevels = levels.filter((level) => row.denied[level] && level < row.highestMet);
      const metLevels = levels.filter((level) => row.met[level] && level > Math.min(...deniedLevels));
      const claims = rubric.filter((item) => item.dimension === row.dimension && metLevels.includes(item.stageLevel)
        && answers.has(item.id) && answers.get(item.id).agreement >= rules.agreesAt
        && answers.get(item.id).evidence === "");
      return { dimension: row.dimension, deniedLevels, metLevels, claimsWithoutEvidence: claims.length };
    });
  }

  // ---- The result. ----

  function stageText(level) {
    return stageNames[level];
  }

  function summary(person) {
    const weakest = person.weakest.map((dimension) => dimensionNames[dimension]).join(words.separator) || words.none;
    const rows = [
      [words.overall, element("strong", { "data-result": "overall", "data-stage-level": person.overall },
        stageText(person.overall))],
      [words.median, element("span", { "data-result": "median", "data-stage-level": person.median },
        stageText(person.median))],
      [words.held_back_by, weakest],
      [words.unanswered, String(person.unanswered)],
      [words.without_evidence, String(person.agreedWithoutEvidence)],
    ];
    const list = element("dl", { class: "saf-summary" });
    for (const [term, value] of rows) {
      list.append(element("dt", {}, term), element("dd", {}, value));
    }
    return list;
  }

  // A table with its caption, or named by the heading above it (`titleId`) where a caption would repeat it.
  function table(caption, headers, rows, titleId) {
    const head = element("tr", {}, ...headers.map((header) => element("th", { scope: "col" }, header)));
    const parts = [element("thead", {}, head), element("tbody", {}, ...rows)];
    const named = titleId ? element("table", { "aria-labelledby": titleId }, ...parts)
      : element("table", {}, element("caption", {}, caption), ...parts);
    return element("div", { class: "saf-table" }, named);
  }

  function profileTable(scored) {
    const rows = scored.map((row) => element("tr", { "data-dimension": row.dimension, "data-stage-level": row.stage },
      element("th", { scope: "row" }, dimensionNames[row.dimension]),
      element("td", {}, row.inconsistent ? format(words.inconsistent, stageText(row.stage)) : stageText(row.stage))));
    return table(words.per_dimension, [words.dimension, words.stage], rows);
  }

  // The profile on five spokes, 0 at the centre to the top stage at the rim. Labels sit outside the rim,
  // anchored away from the centre, and wrap onto two lines, so none overlaps another at a phone's width.
  function radar(scored) {
    const radius = 90;
    const labelRadius = radius + 14;
    const lineHeight = 16;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "-180 -140 360 262");
    svg.setAttribute("class", "saf-radar");
    svg.setAttribute("role", "img");
    const title = document.createElementNS(SVG, "title");
    title.textContent = words.radar;
    svg.append(title);
    const angle = (index) => -Math.PI / 2 + (2 * Math.PI * index) / scored.length;
    const point = (index, distance) => [distance * Math.cos(angle(index)), distance * Math.sin(angle(index))];
    const shape = (distances) => distances.map((distance, index) => point(index, distance).join(",")).join(" ");
    const draw = (tag, attributes, text) => {
      const node = document.createElementNS(SVG, tag);
      for (const [name, value] of Object.entries(attributes)) {
        node.setAttribute(name, value);
      }
      if (text !== undefined) {
        node.textContent = text;
      }
      svg.append(node);
      return node;
    };
    for (const level of levels) {
      draw("polygon", { points: shape(scored.map(() => (radius * level) / rules.topStage)), class: "saf-ring" });
    }
    scored.forEach((_, index) => {
      const [x, y] = point(index, radius);
      draw("line", { x1: 0, y1: 0, x2: x, y2: y, class: "saf-spoke" });
    });
    for (const level of levels) {
      draw("text", { x: 3, y: -(radius * level) / rules.topStage + 11, class: "saf-ring-label" }, stageText(level));
    }
    const distances = scored.map((row) => (radius * row.stage) / rules.topStage);
    draw("polygon", { points: shape(distances), class: "saf-profile" });
    distances.forEach((distance, index) => {
      const [x, y] = point(index, distance);
      draw("circle", { cx: x, cy: y, r: 3.5, class: "saf-vertex" });
    });
    scored.forEach((row, index) => {
      const [x, y] = point(index, labelRadius);
      const cosine = Math.cos(angle(index));
      const sine = Math.sin(angle(index));
      const anchor = cosine > 0.3 ? "start" : cosine < -0.3 ? "end" : "middle";
      const lines = wrap(dimensionNames[row.dimension]);
      const height = lines.length * lineHeight;
      const top = sine < -0.5 ? y - height : sine > 0.5 ? y : y - height / 2;
      const label = draw("text", { "text-anchor": anchor, class: "saf-axis-label", "data-dimension": row.dimension });
      lines.forEach((line, number) => {
        const span = document.createElementNS(SVG, "tspan");
        span.setAttribute("x", x);
        span.setAttribute("y", top + (number + 1) * lineHeight - 3);
        span.textContent = line;
        label.append(span);
      });
    });
    return svg;
  }

  // Two lines at most, each within about ten characters where the words allow: the labels beside the chart
  // then leave it room to be drawn large.
  function wrap(name) {
    const parts = name.split(" ");
    if (name.length <= 10 || parts.length === 1) {
      return [name];
    }
    let cut = 1;
    while (cut < parts.length - 1 && parts.slice(0, cut + 1).join(" ").length <= 10) {
      cut += 1;
    }
    return [parts.slice(0, cut).join(" "), parts.slice(cut).join(" ")];
  }

  function gapsSection(gaps, person) {
    if (person.overall >= rules.topStage) {
      return element("p", { "data-result": "top-stage" }, format(words.top_stage, stageText(rules.topStage)));
    }
    // A list rather than a table: a statement needs the width a phone has, and its figures fit beneath it.
    const items = gaps.map((gap) => element("li", { "data-item": gap.id },
      element("span", { class: "saf-id" }, gap.id), " ", gap.statement,
      element("span", { class: "saf-meta" }, [stageText(gap.stageLevel),
        format(words.your_answer, gap.agreement === null ? words.not_answered : gap.agreement),
        format(words.weight, gap.weight)].join(" · "))));
    return element("div", { "data-result": "gaps" },
      element("h4", {}, format(words.gaps, stageText(person.overall + 1))),
      element("p", {}, format(words.gaps_intro, rules.agreesAt, rules.unansweredCountsAs)),
      element("ol", { class: "saf-gaps" }, ...items));
  }

  function conversationSection(points) {
    const stageList = (list) => list.map(stageText).join(words.separator);
    const rows = points.map((point) => element("tr", { "data-dimension": point.dimension },
      element("th", { scope: "row" }, dimensionNames[point.dimension]),
      element("td", {}, stageList(point.deniedLevels)),
      element("td", {}, stageList(point.metLevels)),
      element("td", {}, String(point.claimsWithoutEvidence))));
    return element("div", { "data-result": "conversation" },
      element("h4", { id: "saf-conversation-title" }, words.conversation),
      element("p", {}, words.conversation_intro),
      table(words.conversation, [words.dimension, words.denied, words.met_above, words.claims_without_evidence],
        rows, "saf-conversation-title"));
  }

  function showResult() {
    const answers = answersFromForm();
    document.getElementById("saf-progress").textContent = format(words.progress, answers.size, rubric.length);
    const body = document.getElementById("saf-result-body");
    if (answers.size === 0) {
      body.replaceChildren(element("p", {}, words.answer_first));
      return;
    }
    const scored = scoreDimensions(answers);
    const person = scorePerson(answers, scored);
    const next = person.inconsistent ? conversationSection(conversationPoints(answers, scored))
      : gapsSection(topGaps(answers, person), person);
    body.replaceChildren(summary(person),
      element("div", { class: "saf-profile-view" }, radar(scored), profileTable(scored)), next);
  }

  // ---- The answers file (the template's columns; load_answers reads it). ----

  function csvField(value) {
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function answersCsv() {
    const answers = answersFromForm();
    const lines = [CSV_COLUMNS.join(",")];
    for (const item of rubric) {
      const answer = answers.get(item.id);
      const evidence = item.fieldset.querySelector("input[type=text]").value.trim();
      lines.push([item.id, item.dimension, item.stage, item.importance, item.statement,
        answer ? answer.agreement : "", evidence].map(csvField).join(","));
    }
    return lines.join("\n") + "\n";
  }

  function download() {
    const bom = form.dataset.byteOrderMark === "true" ? "\ufeff" : "";
    const url = URL.createObjectURL(new Blob([bom + answersCsv()], { type: "text/csv;charset=utf-8" }));
    const link = element("a", { href: url, download: "self-assessment-answers.csv" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  // Spreadsheets save CSV as UTF-8 (with or without a byte-order mark) or, in Chinese Windows, as GB18030;
  // the loader accepts both, and so does the form.
  function decode(buffer) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buffer).replace(/^\ufeff/, "");
    } catch (error) {
      return new TextDecoder("gb18030").decode(buffer);
    }
  }

  // Rows of fields, quoted fields with doubled quotes, comma- or tab-separated (whichever the header uses).
  function parseCsv(text) {
    const firstLine = text.split(/\r?\n/, 1)[0];
    const delimiter = firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
    const rows = [];
    let row = [];
    let field = "";
    let quoted = false;
    for (let index = 0; index < text.length; index += 1) {
      const character = text[index];
      if (quoted) {
        if (character === '"' && text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else if (character === '"') {
          quoted = false;
        } else {
          field += character;
        }
      } else if (character === '"') {
        quoted = true;
      } else if (character === delimiter) {
        row.push(field);
        field = "";
      } else if (character === "\n" || character === "\r") {
        if (character === "\r" && text[index + 1] === "\n") {
          index += 1;
        }
        row.push(field);
        rows.push(row);
        row = [];
        field = "";
      } else {
        field += character;
      }
    }
    if (field !== "" || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows.filter((fields) => fields.some((value) => value.trim() !== ""));
  }

  // The whole file or nothing: the first problem is reported (row numbers count the header as row 1, as the
  // loader's do) and the form keeps its answers.
  function stateFromCsv(text) {
    const rows = parseCsv(text);
    if (rows.length === 0) {
      throw new Error(words.empty);
    }
    const header = rows[0].map((name) => name.trim());
    for (const required of ["item_id", "agreement"]) {
      if (!header.includes(required)) {
        throw new Error(format(words.no_column, required));
      }
    }
    const column = (fields, name) => (header.includes(name) ? (fields[header.indexOf(name)] || "").trim() : "");
    const known = new Set(rubric.map((item) => item.id));
    const state = {};
    rows.slice(1).forEach((fields, index) => {
      const rowNumber = index + 2;
      const id = column(fields, "item_id");
      const agreement = column(fields, "agreement");
      if (!known.has(id)) {
        throw new Error(format(words.at_row, rowNumber, "item_id", format(words.not_statement, id)));
      }
      if (id in state) {
        throw new Error(format(words.at_row, rowNumber, "item_id", format(words.twice, id)));
      }
      const whole = /^\d+$/.test(agreement) ? Number(agreement) : NaN;
      if (agreement !== "" && !(whole >= rules.lowestAnswer && whole <= rules.highestAnswer)) {
        throw new Error(format(words.at_row, rowNumber, "agreement",
          format(words.not_agreement, agreement, rules.lowestAnswer, rules.highestAnswer)));
      }
      state[id] = { agreement: agreement === "" ? null : whole, evidence: column(fields, "evidence") };
    });
    return state;
  }

  function load(file) {
    const status = document.getElementById("saf-storage");
    file.arrayBuffer().then((buffer) => {
      try {
        const state = stateFromCsv(decode(buffer));
        fillForm(state);
        save();
        showResult();
        const answered = Object.values(state).filter((answer) => answer.agreement !== null).length;
        status.textContent = format(words.loaded, answered, file.name);
      } catch (error) {
        status.textContent = format(words.not_loaded, file.name, error.message);
      }
    });
  }

  // ---- Wiring. ----

  const fileInput = document.getElementById("saf-file");
  form.addEventListener("change", (event) => {
    if (event.target === fileInput) {
      if (fileInput.files.length) {
        load(fileInput.files[0]);
      }
      fileInput.value = "";
      return;
    }
    save();
    showResult();
  });
  form.addEventListener("input", (event) => {
    if (event.target.type === "text") {
      save();
      showResult();
    }
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  form.querySelector("[data-action=download]").addEventListener("click", download);
  form.querySelector("[data-action=load]").addEventListener("click", () => fileInput.click());
  form.querySelector("[data-action=clear]").addEventListener("click", () => {
    if (window.confirm(words.confirm_clear)) {
      fillForm({});
      save();
      showResult();
    }
  });
  restore();
  showResult();
})();
