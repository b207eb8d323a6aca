/*
 * Newsroom's extensions to django-prose-editor for the article body (see articles/editor.py).
 *
 * Each node or mark here renders exactly the markup articles.body.sanitise_body keeps, with
 * attributes in the order the sanitiser writes them, so what the editor saves is stored as is:
 *
 * - ArticleLink: <a href title rel="noopener noreferrer">, http(s), mailto and relative only.
 * - ArticleOrderedList: <ol start>, without the package's list-style attributes.
 * - ArticleFigure, ArticleImage, ArticleCaption: <figure data-credit><img><figcaption>, inserted
 *   from the media library's search ("Image" button).
 * - ArticleEmbed: a paragraph holding only a provider's address, which the public page turns into
 *   an embed ("Embed" button). Addresses of other providers are refused here. In the editor the
 *   embed is one atom (selectable and deletable, never typed into), so text written after
 *   inserting one can never run into its address.
 */
import {
  Extension,
  Image,
  Link,
  Node,
  OrderedList,
  crel,
  gettext,
  pm,
} from "django-prose-editor/editor"

const { Plugin, PluginKey } = pm.state
const { Decoration, DecorationSet } = pm.view

let dialogCount = 0

/* Insert `content` after the top-level block holding the cursor (or in place of an empty
 * paragraph), so that an image or an embed never splits the paragraph being written.
 * Returns the document position where the inserted blocks start. */
function insertBlocks(editor, content) {
  const { selection } = editor.state
  const { $from } = selection
  if ($from.depth === 0) {
    editor.chain().focus().insertContentAt(selection.to, content).run()
    return selection.to
  }
  const block = $from.node(1)
  const range = { from: $from.before(1), to: $from.after(1) }
  if (block.type.name === "paragraph" && block.content.size === 0) {
    editor.chain().focus().insertContentAt(range, content).run()
    return range.from
  }
  editor.chain().focus().insertContentAt(range.to, content).run()
  return range.to
}

/* A modal dialog in the package's style. Returns its parts; `close()` removes it. */
function modal(editor, { title, className, fields, submitText }) {
  const submit = crel("button", { type: "submit", textContent: submitText || gettext("Insert") })
  const cancel = crel("button", { type: "button", textContent: gettext("Cancel") })
  const buttons = crel("div", { className: "prose-editor-dialog-buttons" }, [cancel])
  if (submitText !== null) buttons.prepend(submit)
  const heading = crel("h3", { className: "prose-editor-dialog-title", textContent: title })
  heading.id = `newsroom-dialog-${++dialogCount}`
  const form = crel("form", { method: "dialog" }, [heading, ...fields, buttons])
  const dialog = crel("dialog", { className: `prose-editor-dialog ${className}` }, [form])
  dialog.setAttribute("aria-labelledby", heading.id)
  const holder = crel("div", {}, [dialog])
  editor.view.dom.parentElement.append(holder)
  const close = () => {
    if (dialog.open) dialog.close()
    holder.remove()
  }
  cancel.addEventListener("click", close)
  dialog.addEventListener("close", close)
  dialog.showModal()
  return { dialog, form, submit, close }
}

function field(label, input, help) {
  input.id = `newsroom-field-${++dialogCount}`
  const children = [crel("label", { htmlFor: input.id, textContent: label }), input]
  if (help) {
    const note = crel("p", { className: "newsroom-dialog-help", textContent: help })
    note.id = `${input.id}-help`
    input.setAttribute("aria-describedby", note.id)
    children.push(note)
  }
  return crel("div", { className: "prose-editor-dialog-field" }, children)
}

/* Toolbar ---------------------------------------------------------------------------------- */

// The package's "paragraph" button draws an icon-font glyph ("notes") its bundled font lacks,
// which shows as an empty box; ours is a pilcrow in the page's own font, named for screen readers.
export const ArticleParagraphButton = Extension.create({
  name: "articleParagraphButton",

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "paragraph",
      groups: "blockType nodes",
      button: buttons.text("¶", gettext("Paragraph")),
      option: crel("p", { textContent: gettext("Paragraph") }),
      active: (editor) => editor.isActive("paragraph"),
      command: (editor) => editor.chain().focus().setParagraph().run(),
    })
  },
})

/* Links ----------------------------------------------------------------------------------- */

function allowedHref(protocols) {
  return (url) => {
    const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url || "")
    return !scheme || protocols.includes(scheme[1].toLowerCase())
  }
}

export const ArticleLink = Link.extend({
  addOptions() {
    const schemes = ["http", "https", "mailto"]
    return {
      ...this.parent?.(),
      // `schemes` (from articles.body.URL_SCHEMES) rather than the package's `protocols`,
      // which would register them again with the URL recogniser.
      schemes,
      enableTarget: false,
      HTMLAttributes: {},
      isAllowedUri: allowedHref(schemes),
    }
  },

  onBeforeCreate() {
    this.parent?.()
    this.options.isAllowedUri = allowedHref(this.options.schemes)
  },

  addAttributes() {
    const parent = this.parent?.() ?? {}
    // The sanitiser sets rel on every link and writes it after the link's own attributes.
    return {
      href: parent.href,
      title: { default: null },
      rel: {
        default: "noopener noreferrer",
        parseHTML: () => "noopener noreferrer",
        renderHTML: () => ({ rel: "noopener noreferrer" }),
      },
    }
  },
})

/* Ordered lists --------------------------------------------------------------------------- */

export const ArticleOrderedList = OrderedList.extend({
  addOptions() {
    return { ...this.parent?.(), enableListAttributes: false }
  },

  addAttributes() {
    // Keep `start`; drop the list-style `type` and `data-type` the sanitiser would remove.
    const { type, ...attributes } = this.parent?.() ?? {}
    return attributes
  },

  addNodeView: null,
})

/* Figures from the media library ---------------------------------------------------------- */

export const ArticleImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      srcset: { default: null },
      sizes: { default: null },
    }
  },
})

export const ArticleCaption = Node.create({
  name: "caption",
  content: "inline*",
  isolating: true,

  parseHTML() {
    return [{ tag: "figcaption" }]
  },

  renderHTML() {
    return ["figcaption", 0]
  },
})

function resultButton(result) {
  const details = [
    crel("strong", { textContent: result.alt || gettext("(no description)") }),
    crel("span", { textContent: result.caption || "" }),
    crel("span", {
      className: "newsroom-picker__credit",
      textContent: result.credit ? `${gettext("Credit:")} ${result.credit}` : gettext("No credit"),
    }),
  ]
  if (result.width && result.height) {
    details.push(crel("span", { textContent: `${result.width} × ${result.height}` }))
  }
  const thumbnail = crel("img", { src: result.thumbnail || "", alt: "", loading: "lazy" })
  return crel("button", { type: "button", className: "newsroom-picker__result" }, [
    thumbnail,
    crel("span", { className: "newsroom-picker__details" }, details),
  ])
}

function libraryPicker(editor, options) {
  const search = crel("input", { type: "search", name: "q", autocomplete: "off" })
  const status = crel("p", { className: "newsroom-picker__status", textContent: "" })
  status.setAttribute("role", "status")
  const results = crel("ul", { className: "newsroom-picker__results" })
  const fields = [
    field(gettext("Search the media library"), search, gettext("Words from the description, caption or credit.")),
    status,
    results,
  ]
  if (options.uploadUrl) {
    const upload = crel("a", {
      href: options.uploadUrl,
      target: "_blank",
      textContent: gettext("Upload a new picture to the library (opens a new tab)"),
    })
    fields.push(crel("p", {}, [upload]))
  }
  const { close } = modal(editor, {
    title: gettext("Insert an image from the library"),
    className: "newsroom-picker",
    fields,
    submitText: null,
  })

  const more = crel("button", {
    type: "button",
    className: "newsroom-picker__more",
    textContent: gettext("Show more"),
    hidden: true,
  })
  results.after(more)

  let latest = 0
  let page = 1
  const run = async (nextPage = 1) => {
    const ticket = ++latest
    status.textContent = gettext("Searching…")
    const url = new URL(options.searchUrl, window.location.href)
    url.searchParams.set("q", search.value.trim())
    url.searchParams.set("page", nextPage)
    let data
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      if (!response.ok) throw new Error(response.statusText)
      data = await response.json()
    } catch (_error) {
      if (ticket === latest) status.textContent = gettext("The library could not be searched.")
      return
    }
    if (ticket !== latest) return
    page = nextPage
    if (page === 1) results.replaceChildren()
    for (const result of data.results || []) {
      const button = resultButton(result)
      button.addEventListener("click", () => {
        close()
        // With an empty paragraph after it, where the caret lands (the end of what was
        // inserted): typing goes on below the picture, not into its caption.
        insertBlocks(editor, `${result.html}<p></p>`)
      })
      results.append(crel("li", {}, [button]))
    }
    more.hidden = !data.has_next
    status.textContent = results.children.length
      ? ""
      : gettext("No pictures in the library match.")
  }
  more.addEventListener("click", () => run(page + 1))

  let timer = null
  search.addEventListener("input", () => {
    clearTimeout(timer)
    timer = setTimeout(() => run(), 250)
  })
  search.addEventListener("keydown", (event) => {
    // Enter searches at once rather than submitting the dialog.
    if (event.key === "Enter") {
      event.preventDefault()
      clearTimeout(timer)
      run()
    }
  })
  run()
  search.focus()
}

export const ArticleFigure = Node.create({
  name: "figure",
  group: "block",
  content: "image caption?",
  draggable: true,
  isolating: true,

  addOptions() {
    return { searchUrl: null, uploadUrl: null }
  },

  addAttributes() {
    return {
      credit: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-credit") || "",
        renderHTML: (attributes) =>
          attributes.credit ? { "data-credit": attributes.credit } : {},
      },
    }
  },

  parseHTML() {
    // Only picture figures: any other <figure> is read as its content.
    return [{ tag: "figure", getAttrs: (element) => (element.querySelector("img") ? null : false) }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes, 0]
  },

  addCommands() {
    return {
      insertLibraryImage:
        () =>
        ({ editor }) => {
          libraryPicker(editor, this.options)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    // Named "figure" to replace the package's own figure button, which asks for an address.
    menu.defineItem({
      name: "figure",
      groups: "insert",
      command: (editor) => editor.commands.insertLibraryImage(),
      button: buttons.text(gettext("Image"), gettext("Image from the media library: insert a picture with its caption and credit")),
      // Until the library's search is mounted there is nothing to choose from.
      enabled: () => Boolean(this.options.searchUrl),
    })
  },
})

/* Embeds by address ----------------------------------------------------------------------- */

function providerLookup(providers) {
  const hosts = new Map()
  for (const [name, names] of Object.entries(providers || {})) {
    for (const host of names) hosts.set(host, name)
  }
  return (text) => {
    const candidate = (text || "").trim()
    if (!candidate || /\s/.test(candidate)) return null
    let url
    try {
      url = new URL(candidate)
    } catch (_error) {
      return null
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null
    return hosts.get(url.hostname) || null
  }
}

function listOf(names) {
  if (names.length < 2) return names.join("")
  return `${names.slice(0, -1).join(", ")} ${gettext("or")} ${names.at(-1)}`
}

function embedDialog(editor, options, providerOf) {
  const names = Object.keys(options.providers || {})
  const input = crel("input", {
    type: "url",
    name: "url",
    required: true,
    placeholder: "https://www.youtube.com/watch?v=…",
    autocomplete: "off",
  })
  const error = crel("p", { className: "errornote newsroom-embed-error", hidden: true })
  error.setAttribute("role", "alert")
  const { form, close } = modal(editor, {
    title: gettext("Embed a video or post"),
    className: "newsroom-embed-dialog",
    fields: [
      field(
        gettext("Address"),
        input,
        `${gettext("The address of a post or video on")} ${listOf(names)}.`,
      ),
      error,
    ],
    submitText: gettext("Embed"),
  })
  input.addEventListener("input", () => {
    error.hidden = true
    input.removeAttribute("aria-invalid")
  })
  form.addEventListener("submit", (event) => {
    event.preventDefault()
    const url = input.value.trim()
    if (!providerOf(url)) {
      error.textContent = `${gettext("This address cannot be embedded. Use the address of a post or video on")} ${listOf(names)}.`
      error.hidden = false
      input.setAttribute("aria-invalid", "true")
      input.focus()
      return
    }
    close()
    // The embed, then an empty paragraph for the caret: the writer goes on writing after it.
    const start = insertBlocks(editor, [{ type: "embed", attrs: { url } }, { type: "paragraph" }])
    const inNewParagraph = start + editor.schema.nodes.embed.create({ url }).nodeSize + 1
    editor.chain().focus().setTextSelection(inNewParagraph).run()
  })
  input.focus()
}

const embedKey = new PluginKey("articleEmbed")

export const ArticleEmbed = Node.create({
  name: "embed",
  group: "block",
  // One unit: the view renders it non-editable; it is selected, dragged and deleted whole.
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { providers: {} }
  },

  addStorage() {
    return { providerOf: () => null }
  },

  onBeforeCreate() {
    this.parent?.()
    this.storage.providerOf = providerLookup(this.options.providers)
  },

  addAttributes() {
    return { url: { default: "", rendered: false } }
  },

  parseHTML() {
    const providerOf = providerLookup(this.options.providers)
    return [
      {
        tag: "p",
        // Ahead of the paragraph rule. Only a bare address: a paragraph with a link or other
        // markup stays a paragraph, so stored bodies load and save unchanged.
        priority: 60,
        getAttrs: (element) =>
          element.children.length === 0 && providerOf(element.textContent)
            ? { url: element.textContent }
            : false,
      },
    ]
  },

  renderHTML({ node }) {
    // What the server reads as an embed (articles.body): a paragraph holding only the address.
    return ["p", node.attrs.url]
  },

  renderText({ node }) {
    return node.attrs.url
  },

  addCommands() {
    return {
      insertEmbed:
        () =>
        ({ editor }) => {
          embedDialog(editor, this.options, this.storage.providerOf)
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "insert",
      command: (editor) => editor.commands.insertEmbed(),
      button: buttons.text(
        gettext("Embed"),
        gettext("Embed a video or post by its address"),
      ),
    })
  },

  addProseMirrorPlugins() {
    // Mark embeds, and paragraphs typed as a bare address (embeds on the page too), so writers
    // see which blocks the page shows as embeds.
    const providerOf = (text) => this.storage.providerOf(text)
    const decorate = (doc) => {
      const decorations = []
      doc.forEach((node, offset) => {
        let text = null
        if (node.type.name === "embed") text = node.attrs.url
        else if (node.type.name === "paragraph") text = node.textContent
        const provider = text && providerOf(text)
        if (provider) {
          decorations.push(
            Decoration.node(offset, offset + node.nodeSize, {
              class: "newsroom-embed",
              "data-embed-provider": provider,
            }),
          )
        }
      })
      return DecorationSet.create(doc, decorations)
    }
    return [
      new Plugin({
        key: embedKey,
        state: {
          init: (_config, state) => decorate(state.doc),
          apply: (tr, set) => (tr.docChanged ? decorate(tr.doc) : set),
        },
        props: {
          decorations(state) {
            return embedKey.getState(state)
          },
        },
      }),
    ]
  },
})
