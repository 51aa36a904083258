// The API token of this browser tab (sessionStorage: gone when the tab closes), asked for in a
// dialog when none is set and a request needs one, or when the API answers 401.
const KEY = 'hap.token';
let asking = null;

export function getToken() {
  return sessionStorage.getItem(KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

/** Opens the token dialog once however many requests ask; resolves with the token, or '' when cancelled. */
export function askToken(message) {
  asking ??= new Promise((resolve) => {
    const dialog = document.getElementById('token-dialog');
    const input = dialog.querySelector('input[name=token]');
    document.getElementById('token-message').textContent = message ?? '请输入访问令牌 Enter an API token';
    input.value = '';
    dialog.addEventListener(
      'close',
      () => {
        const token = dialog.returnValue === 'ok' ? input.value.trim() : '';
        if (token) setToken(token);
        asking = null;
        resolve(token);
      },
      { once: true },
    );
    dialog.showModal();
  });
  return asking;
}
