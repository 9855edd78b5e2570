#!/bin/sh
# Initiates the three-member replica set once; later runs find it initiated.
set -eu
mongosh --host mongo1 --quiet --eval '
  try { rs.status(); print("replica set already initiated"); }
  catch (e) {
    rs.initiate({ _id: "rs0", members: [
      { _id: 0, host: "mongo1:27017" }, { _id: 1, host: "mongo2:27017" }, { _id: 2, host: "mongo3:27017" } ] });
  }'
