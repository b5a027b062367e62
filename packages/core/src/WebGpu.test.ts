import { expect, it } from "vitest"
import { noAdapterReason } from "./WebGpu.js"

it("without an adapter the reason names the first missing Vulkan piece and its Debian package", () => {
  expect(noAdapterReason("linux", { loader: undefined, drivers: ["/usr/share/vulkan/icd.d/lvp_icd.json"] })).toMatch(
    /^no Vulkan: .*libvulkan\.so\.1.*apt-get install libvulkan1/
  )
  expect(noAdapterReason("linux", { loader: "/usr/lib/x86_64-linux-gnu/libvulkan.so.1", drivers: [] })).toMatch(
    /^no Vulkan driver: .*bookworm-backports mesa-vulkan-drivers/
  )
  expect(
    noAdapterReason("linux", { loader: "/usr/lib/x86_64-linux-gnu/libvulkan.so.1", drivers: ["/usr/share/vulkan/icd.d/lvp_icd.json"] })
  ).toMatch(/^no WebGPU adapter: Dawn loaded Vulkan .*lvp_icd\.json.*Dawn rejects Mesa before 25/)
  expect(noAdapterReason("darwin", { loader: undefined, drivers: [] })).toMatch(/^no WebGPU adapter: .*Metal/)
})
