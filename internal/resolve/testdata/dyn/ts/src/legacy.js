const { money } = require("./lib/money");
const lib = require("./lib");
const express = require("express");

function pay() {
  money(1);
  lib.money(2);
  express();
  parseInt("1", 10);
}

module.exports = { pay };
