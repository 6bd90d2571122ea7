/** `users/me/`: the authenticated user. */
import type { Reply } from '../http';
import { allow, type Ctx, detail } from './context';

export function usersMe(ctx: Ctx): Reply {
  allow(ctx, ['GET', 'HEAD']);
  return detail(ctx, ctx.user);
}
