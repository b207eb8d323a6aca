/*
 * The article form's small helpers (articles/admin_editor.py). Progressive enhancement only:
 * without them the form still works (topics typed by hand, positions typed as numbers).
 *
 * - Topics: suggests existing topic names for the name being typed in the comma-separated field.
 * - Inlines with a position column (byline, related links): rows can be dragged into order by
 *   their handle; the positions are renumbered to match.
 */
;(() => {
  /* Topics ------------------------------------------------------------------------------- */

  function suggestTopics(input) {
    const list = document.createElement("datalist")
    list.id = `${input.id}-suggestions`
    input.after(list)
    input.setAttribute("list", list.id)

    let timer = null
    let latest = 0
    input.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(async () => {
        const value = input.value
        const last = value.slice(value.lastIndexOf(",") + 1).trimStart()
        const term = last.trim()
        const ticket = ++latest
        if (!term) {
          list.replaceChildren()
          return
        }
        // Keep what is typed before the name exactly, so each suggestion extends the input.
        const head = value.slice(0, value.length - last.length)
        const chosen = new Set(
          value
            .split(",")
            .slice(0, -1)
            .map((name) => name.trim().toLowerCase()),
        )
        const url = new URL(input.dataset.topicSuggestions, window.location.href)
        url.searchParams.set("q", term)
        let names = []
        try {
          const response = await fetch(url, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
          if (response.ok) names = (await response.json()).results || []
        } catch (_error) {
          return
        }
        if (ticket !== latest) return
        list.replaceChildren(
          ...names
            .filter((name) => !chosen.has(name.toLowerCase()))
            .map((name) => new Option(`${head}${name}`)),
        )
      }, 200)
    })
  }

  /* Orderable inlines -------------------------------------------------------------------- */

  function isUsed(row) {
    if (row.classList.contains("has_original")) return true
    return [...row.querySelectorAll("input, select, textarea")].some(
      (element) =>
        element.type !== "hidden" &&
        element.type !== "checkbox" &&
        !element.name.endsWith("-position") &&
        element.value,
    )
  }

  function renumber(group) {
    let position = 0
    for (const row of group.querySelectorAll("tbody tr.form-row:not(.empty-form)")) {
      const input = row.querySelector("td.field-position input")
      // Untouched blank rows keep their position, so they stay blank and are not validated.
      if (input && isUsed(row)) input.value = position++
    }
  }

  function addHandle(row) {
    const cell = row.querySelector("td.original")
    if (!cell || cell.querySelector(".newsroom-drag-handle")) return
    const handle = document.createElement("span")
    handle.className = "newsroom-drag-handle"
    handle.title = "Drag to change the order"
    handle.setAttribute("aria-hidden", "true")
    handle.textContent = "⠿"
    cell.prepend(handle)
  }

  function orderable(group) {
    const tbody = group.querySelector("table tbody")
    if (!tbody || !group.querySelector("td.field-position")) return
    group.classList.add("newsroom-orderable")
    for (const row of tbody.querySelectorAll("tr.form-row")) addHandle(row)

    let dragged = null
    tbody.addEventListener("mousedown", (event) => {
      const row = event.target.closest(".newsroom-drag-handle")?.closest("tr")
      if (row) row.draggable = true
    })
    tbody.addEventListener("dragstart", (event) => {
      dragged = event.target.closest?.("tr.form-row")
      if (!dragged) return
      event.dataTransfer.effectAllowed = "move"
      event.dataTransfer.setData("text/plain", "")
      dragged.classList.add("newsroom-dragging")
    })
    tbody.addEventListener("dragover", (event) => {
      const target = event.target.closest?.("tr.form-row:not(.empty-form)")
      if (!dragged || !target || target === dragged) return
      event.preventDefault()
      const { top, height } = target.getBoundingClientRect()
      target.parentNode.insertBefore(
        dragged,
        event.clientY < top + height / 2 ? target : target.nextSibling,
      )
    })
    tbody.addEventListener("drop", (event) => event.preventDefault())
    tbody.addEventListener("dragend", () => {
      if (!dragged) return
      dragged.draggable = false
      dragged.classList.remove("newsroom-dragging")
      dragged = null
      renumber(group)
    })
  }

  function init() {
    for (const input of document.querySelectorAll("input[data-topic-suggestions]")) {
      suggestTopics(input)
    }
    for (const group of document.querySelectorAll(".inline-group[data-inline-type=tabular]")) {
      orderable(group)
    }
  }

  document.addEventListener("formset:added", (event) => {
    if (event.target.closest?.(".newsroom-orderable")) addHandle(event.target)
  })

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init)
  } else {
    init()
  }
})()
