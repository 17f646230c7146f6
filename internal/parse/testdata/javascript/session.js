'use strict';

/**
 * Legacy session middleware (CommonJS).
 */
const crypto = require("crypto");
const { promisify } = require("util");
const { Router: ExpressRouter, json } = require("express");
const config = require("./config.json").session;
require("dotenv").config();

const randomBytes = promisify(crypto.randomBytes);

/**
 * Session constructor.
 * @constructor
 */
function Session(id, store) {
  this.id = id;
  this.store = store;
  this.touch = function () {
    this.updatedAt = Date.now();
  };
}

/** Persists the session. */
Session.prototype.save = function (callback) {
  this.store.set(this.id, this, callback);
};

Session.prototype.destroy = function destroy(callback) {
  this.store.destroy(this.id, callback);
};

// Creates a session with a random id.
Session.generate = async function (store) {
  const buf = await randomBytes(16);
  return new Session(buf.toString("hex"), store);
};

const helpers = {
  /** Parses a cookie header. */
  parseCookie(header) {
    return header.split(";").map((pair) => pair.trim());
  },
  sign: (value, secret) =>
    crypto.createHmac("sha256", secret).update(value).digest("base64"),
};

function middleware(options = {}) {
  const router = ExpressRouter();
  router.use(json({ limit: options.limit }));
  router.use(function loadSession(req, res, next) {
    const id = helpers.parseCookie(req.headers.cookie)[0];
    req.store[id] ? next() : Session.generate(req.store).then(next, next);
  });
  return router;
}

/** The module's export: builds the middleware. */
module.exports = function createMiddleware(options) {
  return middleware(options);
};
module.exports.Session = Session;
exports.helpers = helpers;
exports.version = function () {
  return config.version;
};

(function init() {
  helpers.parseCookie("");
})();
