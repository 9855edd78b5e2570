// The customer's signature page (R5.5): GET /sign/{token} shows the result and a signing pad,
// POST /sign/{token} stores the signature (PNG, SHA-256) and signals the complaint. The one-time
// token in the SMS link is the only credential: unknown, used or expired tokens get 404/410.
// GET /v1/complaints/{id}/signatures/{sigId} serves the stored image to the complaint's readers.
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { createSignatureModels } from '../../activities/signature';
import { signatureCapturedSignal } from '../../workflows/complaint/contract';
import { HttpError } from '../errors';
import { ruleFor } from '../access';
import { guard, type ComplaintLoader } from '../guard';

type Handler = (req: Request, res: Response) => Promise<unknown>;
/** A public route: it must still have its row in the access table (checked at start). */
const publicRoute = (method: 'GET' | 'POST', path: string): RequestHandler => {
  if (ruleFor(method, path).auth !== 'public') throw new Error(`${method} ${path} must be public`);
  return (_req, _res, next) => next();
};
const route =
  (fn: Handler): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

const Token = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'not a signature link');
const MAX_PNG_BYTES = 200_000;
const SignBody = z
  .object({
    answer: z.enum(['SATISFIED', 'NOT_SATISFIED']),
    png: z
      .string()
      .regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'a PNG data URL')
      .max(Math.ceil((MAX_PNG_BYTES * 4) / 3) + 30, 'the signature image is too large'),
  })
  .strict();

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(token: string, ticketId: string, message: string, en: boolean): string {
  const t = en
    ? {
        title: 'Your complaint: the result',
        sign: 'Please sign below',
        yes: 'I accept the result',
        no: 'I do not accept it',
        clear: 'Clear',
        send: 'Send',
        done: 'Thank you, your answer is recorded.',
      }
    : {
        title: '投诉处理结果确认',
        sign: '请在下方签名',
        yes: '满意，认可处理结果',
        no: '不满意',
        clear: '重签',
        send: '提交',
        done: '谢谢，您的意见已记录。',
      };
  return `<!doctype html><html lang="${en ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(t.title)}</title><link rel="stylesheet" href="/sign/assets/sign.css"></head><body>
<main data-token="${escapeHtml(token)}" data-done="${escapeHtml(t.done)}"><h1>${escapeHtml(t.title)}</h1><p class="ticket">${escapeHtml(ticketId)}</p>
<p class="message">${escapeHtml(message)}</p>
<fieldset><label><input type="radio" name="answer" value="SATISFIED" checked> ${escapeHtml(t.yes)}</label><label><input type="radio" name="answer" value="NOT_SATISFIED"> ${escapeHtml(t.no)}</label></fieldset>
<p>${escapeHtml(t.sign)}</p><canvas id="pad" width="600" height="220"></canvas>
<p><button type="button" id="clear">${escapeHtml(t.clear)}</button> <button type="button" id="send">${escapeHtml(t.send)}</button></p><p id="status" role="status"></p></main>
<script src="/sign/assets/sign.js"></script></body></html>`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:40rem}canvas{border:1px solid #888;width:100%;touch-action:none;background:#fff}
.ticket{color:#666}.message{white-space:pre-wrap;background:#f4f6f8;padding:.75rem;border-radius:6px}button{font-size:1rem;padding:.5rem 1rem}label{display:block;margin:.25rem 0}`;

const JS = `(function(){var m=document.querySelector('main');var c=document.getElementById('pad');var x=c.getContext('2d');var drawn=false,down=false;
x.lineWidth=3;x.lineCap='round';function p(e){var r=c.getBoundingClientRect();return[(e.clientX-r.left)*c.width/r.width,(e.clientY-r.top)*c.height/r.height]}
c.addEventListener('pointerdown',function(e){down=true;var q=p(e);x.beginPath();x.moveTo(q[0],q[1]);});
c.addEventListener('pointermove',function(e){if(!down)return;var q=p(e);x.lineTo(q[0],q[1]);x.stroke();drawn=true;});
window.addEventListener('pointerup',function(){down=false;});
document.getElementById('clear').onclick=function(){x.clearRect(0,0,c.width,c.height);drawn=false;};
document.getElementById('send').onclick=function(){var s=document.getElementById('status');if(!drawn){s.textContent='✍';return;}
var a=document.querySelector('input[name=answer]:checked').value;
fetch(location.pathname,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({answer:a,png:c.toDataURL('image/png')})})
.then(function(r){return r.json().then(function(b){if(!r.ok)throw new Error(b.message||r.status);s.textContent=m.dataset.done;document.getElementById('send').disabled=true;});})
.catch(function(e){s.textContent=String(e.message||e);});};})();`;

export function signatureRoutes(deps: { client: Client; mongo: Connection }): Router {
  const db = createSignatureModels(deps.mongo);
  const r = Router();
  const open = async (token: string) => {
    const req = await db.Request.findOne({ token }).lean();
    if (!req) throw new HttpError(404, 'not_found', 'this signature link does not exist');
    if (req.usedAt) throw new HttpError(410, 'used', 'this signature link has been used already');
    if (req.expiresAt.getTime() < Date.now())
      throw new HttpError(410, 'expired', 'this signature link has expired');
    return req;
  };
  r.get('/assets/sign.js', publicRoute('GET', '/sign/assets/sign.js'), (_req, res) => {
    res.type('application/javascript').send(JS);
  });
  r.get('/assets/sign.css', publicRoute('GET', '/sign/assets/sign.css'), (_req, res) => {
    res.type('text/css').send(CSS);
  });
  r.get(
    '/:token',
    publicRoute('GET', '/sign/{token}'),
    route(async (req, res) => {
      const token = Token.parse(req.params.token);
      const sr = await open(token);
      res
        .set('cache-control', 'no-store')
        .type('html')
        .send(page(token, sr.ticketId, sr.message, sr.language === 'en'));
    }),
  );
  r.post(
    '/:token',
    publicRoute('POST', '/sign/{token}'),
    express.json({ limit: '300kb' }),
    route(async (req, res) => {
      const token = Token.parse(req.params.token);
      const body = SignBody.parse(req.body);
      const png = Buffer.from(body.png.slice(body.png.indexOf(',') + 1), 'base64');
      if (png.length < 60 || png.length > MAX_PNG_BYTES || png.readUInt32BE(0) !== 0x89504e47)
        throw new HttpError(400, 'invalid_signature', 'png: not a PNG image of a signature');
      const sr = await open(token);
      // Claim the link first (atomic): a double submit stores one signature.
      const claimed = await db.Request.updateOne(
        { _id: sr._id, usedAt: null },
        { $set: { usedAt: new Date() } },
      );
      if (claimed.modifiedCount === 0)
        throw new HttpError(410, 'used', 'this signature link has been used already');
      const sha256 = createHash('sha256').update(png).digest('hex');
      const signatureId = `sig-${randomUUID()}`;
      const capturedAt = new Date();
      await db.Signature.create({
        _id: signatureId,
        ticketId: sr.ticketId,
        requestId: sr._id,
        answer: body.answer,
        png,
        sha256,
        bytes: png.length,
        capturedAt,
      });
      await deps.client.workflow.getHandle(sr.workflowId).signal(signatureCapturedSignal, {
        requestId: sr._id,
        signatureId,
        sha256,
        bytes: png.length,
        answer: body.answer,
        capturedAt: capturedAt.toISOString(),
      });
      res.status(201).json({ recorded: true, sha256 });
    }),
  );
  return r;
}

/** The stored signature image, for the people who may read the complaint. */
export function signatureImageRoute(mongo: Connection, load: ComplaintLoader): Router {
  const db = createSignatureModels(mongo);
  const r = Router();
  r.get(
    '/:id/signatures/:sig',
    guard('GET', '/v1/complaints/{id}/signatures/{sig}', load),
    route(async (req, res) => {
      const sig = z
        .string()
        .regex(/^sig-[0-9a-f-]{36}$/)
        .parse(req.params.sig);
      const doc = await db.Signature.findOne({ _id: sig, ticketId: String(req.params.id) }).lean();
      if (!doc) throw new HttpError(404, 'not_found', `signature ${sig}`);
      res.set('x-content-sha256', doc.sha256).type('png').send(Buffer.from(doc.png));
    }),
  );
  return r;
}
