// Warns before a session ends for want of activity, and lets the person
// stay signed in without leaving the page, so nothing they typed is lost.
// The server decides: it sends the seconds left with each page and with
// each keep-alive answer, and this only counts them down.

const template = `
  <h2 class="govuk-heading-m" id="dowimm-timeout-title">You will be signed out soon</h2>
  <p class="govuk-body" data-timeout-message>
    To keep children’s data safe, dowimm signs you out when you have done
    nothing for a while. Anything you have typed on this page stays here.
  </p>
  <div class="govuk-button-group">
    <button type="button" class="govuk-button" data-timeout-stay>Stay signed in</button>
    <a class="govuk-link" href="#" data-timeout-sign-in hidden>Sign in again</a>
  </div>
`

function csrfToken () {
  const input = document.querySelector('input[name="csrfmiddlewaretoken"]')
  return input ? input.value : ''
}

export function initSessionTimeout (root = document) {
  const account = root.querySelector('[data-module="dowimm-session-timeout"]')
  if (!account || !account.dataset.secondsLeft || !window.HTMLDialogElement) {
    return null
  }
  const warningSeconds = Number(account.dataset.warningSeconds || 120)
  let deadline = Date.now() + Number(account.dataset.secondsLeft) * 1000
  let timer = null

  const dialog = document.createElement('dialog')
  dialog.className = 'dowimm-timeout-dialog'
  dialog.setAttribute('aria-labelledby', 'dowimm-timeout-title')
  dialog.innerHTML = template
  document.body.appendChild(dialog)
  const message = dialog.querySelector('[data-timeout-message]')
  const stay = dialog.querySelector('[data-timeout-stay]')
  const signIn = dialog.querySelector('[data-timeout-sign-in]')
  signIn.href = `${account.dataset.signInUrl}?next=${encodeURIComponent(location.pathname)}`

  function signedOut () {
    dialog.querySelector('h2').textContent = 'You have been signed out'
    message.textContent = 'To keep children’s data safe, dowimm signed you out. ' +
      'Copy anything you typed that is not saved, then sign in again.'
    stay.hidden = true
    signIn.hidden = false
    if (!dialog.open) dialog.showModal()
  }

  function schedule () {
    clearTimeout(timer)
    const left = deadline - Date.now()
    if (left <= 0) return signedOut()
    if (left <= warningSeconds * 1000) {
      if (!dialog.open) dialog.showModal()
      timer = setTimeout(schedule, left)
      return
    }
    timer = setTimeout(schedule, left - warningSeconds * 1000)
  }

  stay.addEventListener('click', async () => {
    try {
      const response = await fetch(account.dataset.keepAliveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': csrfToken(), Accept: 'application/json' }
      })
      if (!response.ok || response.redirected) return signedOut()
      const { seconds_left: secondsLeft } = await response.json()
      deadline = Date.now() + secondsLeft * 1000
      dialog.close()
      schedule()
    } catch {
      signedOut()
    }
  })

  schedule()
  return dialog
}
