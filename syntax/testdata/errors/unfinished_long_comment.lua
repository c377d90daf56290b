--[[abc

