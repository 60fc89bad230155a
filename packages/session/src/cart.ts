/**
 * @module cart
 * The closed form of an intent: the user approves an exact cart (items, quantities, prices,
 * merchant, currency) and the intent carries its digest. A transaction is allowed only with
 * a cart whose canonical JSON hashes to that digest, so a cart changed after approval — one
 * more item, another price, another payee — is denied.
 */
import { digestOf } from './canonical.js';

/** `sha256:<hex>` of the canonical JSON of a cart: what the user's side signs into the intent's `cart`. */
export function cartDigest(cart: unknown): string {
  return digestOf(cart, 'cart');
}
